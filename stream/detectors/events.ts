// Building alert events: stable fingerprints and the fields every event shares.
import { createHash } from 'node:crypto';
import type { AlertEventV1, AlertLifecycle, AlertRule, Severity } from '../../contracts/index.ts';

/** Same rule + same subject parts → same fingerprint, across processes and restarts. */
export function fingerprint(rule: string, ...parts: string[]): string {
  return createHash('sha1')
    .update([rule, ...parts].join('\u0000'))
    .digest('hex');
}

export function alertEvent(e: {
  rule: AlertRule;
  status: 'firing' | 'resolved';
  severity: Severity;
  cluster: string;
  instance?: string;
  subject: string[];
  ts: number;
  summary: string;
  details: string;
  labels?: Record<string, string>;
  hints?: string[];
  /** How the alert manager treats it (see AlertEventV1.lifecycle); absent = condition. */
  lifecycle?: AlertLifecycle;
}): AlertEventV1 {
  return {
    v: 1,
    kind: 'alert',
    ts: e.ts,
    fingerprint: fingerprint(e.rule, e.cluster, ...e.subject),
    rule: e.rule,
    status: e.status,
    severity: e.severity,
    cluster: e.cluster,
    ...(e.instance ? { instance: e.instance } : {}),
    labels: e.labels ?? {},
    summary: e.summary.slice(0, 500),
    details: e.details.slice(0, 8000),
    hints: (e.hints ?? []).slice(0, 20).map((h) => h.slice(0, 1000)),
    ...(e.lifecycle ? { lifecycle: e.lifecycle } : {}),
  };
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
