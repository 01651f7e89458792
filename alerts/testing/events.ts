// Test support for the alert lifecycle's unit tests: default timing and an alert event
// with every field set, overridable per test.
import type { AlertEventV1 } from '../../contracts/index.ts';
import type { Timing } from '../lifecycle.ts';

export const TIMING: Timing = {
  groupWaitMs: 200,
  groupIntervalMs: 30_000,
  repeatIntervalMs: 4 * 3_600_000,
  cooldownMs: 300_000,
};

/** An event of fingerprint `fp-1` (a failover in `prod` unless `over` says otherwise). */
export function alertEvent(status: 'firing' | 'resolved', ts: number, over: Partial<AlertEventV1> = {}): AlertEventV1 {
  return {
    v: 1,
    kind: 'alert',
    ts,
    fingerprint: 'fp-1',
    rule: 'failover',
    status,
    severity: 'critical',
    cluster: 'prod',
    instance: '10.0.0.1:7000',
    labels: {},
    summary: 'master 10.0.0.1:7000 failed over',
    details: '',
    hints: [],
    ...over,
  };
}
