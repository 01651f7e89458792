// On the real stack: the config audit as one digest per cluster (grouped by rule, never a
// line per instance), monitoring-blind when a collector's samples stop arriving (and its
// resolution when they come back), and the heartbeat message that follows the stream
// processor's watchdog events. Timings shortened where the defaults are minutes.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlerts } from '../alerts/index.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import type { Config } from '../common/config.ts';
import type { RunningStream } from '../stream/index.ts';
import { startAlertPipeline } from './support/alert-pipeline.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

let chat: ChatEndpoint;
let config: Config;
let stream: RunningStream, alerts: RunningAlerts;
let collector: RunningCollector | null = null;

interface Body {
  rule?: string;
  status?: string;
  text?: string;
  alerts?: Array<{ notice: string; summary: string; details: string; labels: Record<string, string> }>;
}
const bodies = () => chat.received.map((m) => m.body as Body);

beforeAll(async () => {
  chat = await startChatEndpoint();
  const base = testConfig();
  const collectorName = uniqueName('collector');
  config = {
    ...base,
    collector: {
      ...base.collector,
      name: collectorName,
      configAudit: { ...base.collector.configAudit, everyMs: 2000 },
    },
    detectors: {
      ...base.detectors,
      configFindings: { ...base.detectors.configFindings, firstDigestAfterMs: 5000 },
      monitoringBlind: { ...base.detectors.monitoringBlind, afterMs: 8000 },
      watchdog: { everyMs: 2000 },
    },
    alerts: {
      ...base.alerts,
      managerGroupId: uniqueName('alerts'),
      deliveryGroupId: uniqueName('delivery'),
      heartbeat: { receiver: 'chat', everyMs: 60_000 },
      routes: [
        { match: { rule: 'config-audit' }, receiver: 'chat' },
        { match: { rule: 'monitoring-blind' }, receiver: 'chat' },
      ],
      receivers: [{ name: 'chat', type: 'webhook', url: chat.url }],
    },
  };
  ({ stream, alerts, collector } = await startAlertPipeline(config));
});

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  await alerts?.stop();
  await chat?.close();
  await dropDatabase(config);
});

describe('alerts ops can trust', () => {
  it('the config audit of a healthy 6-node cluster is one digest grouped by rule, and audits every 2 s send nothing more', async () => {
    const digest = await eventually(async () => bodies().find((b) => b.rule === 'config-audit'), Boolean, {
      timeoutMs: 60_000,
      what: 'the config audit digest',
    });
    expect(digest!.status).toBe('report');
    const [report] = digest!.alerts!;
    expect(report!.summary).toMatch(/^Config audit of local: \d+ findings? across 6 instances$/);
    const lines = report!.details.split('\n');
    // One line per rule and setting, counted across the cluster — never one per instance.
    expect(lines.some((l) => / on 6 of 6 instances/.test(l))).toBe(true);
    expect(lines.every((l) => !/^127\.0\.0\.1:\d+:/.test(l))).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    await sleep(10_000); // five more audit rounds
    expect(bodies().filter((b) => b.rule === 'config-audit')).toHaveLength(1);
  });

  it('a heartbeat message follows the stream processor’s watchdog', async () => {
    const beat = await eventually(async () => bodies().find((b) => b.rule === 'heartbeat'), Boolean, {
      timeoutMs: 30_000,
      what: 'the heartbeat message',
    });
    expect(beat!.alerts![0]!.summary).toMatch(/^redscope is alive: \d+ alerts? firing$/);
    expect(beat!.alerts![0]!.details).toMatch(/stream processor .*: \d+ samples checked in the last \d+ s/);
  });

  it('a collector whose samples stop arriving is reported (monitoring-blind), and resolved when it is back', async () => {
    await collector!.stop();
    collector = null;
    const blind = await eventually(
      async () =>
        bodies().find(
          (b) => b.rule === 'monitoring-blind' && b.alerts!.some((a) => a.labels.collector === config.collector.name),
        ),
      Boolean,
      { timeoutMs: 60_000, what: 'monitoring-blind for the stopped collector' },
    );
    expect(blind!.status).toBe('firing');
    expect(blind!.alerts!.find((a) => a.labels.collector)!.summary).toMatch(
      new RegExp(`^Monitoring blind: no samples from collector ${config.collector.name} for \\d+ s$`),
    );
    collector = await startCollector(config, quietLog);
    await eventually(
      async () =>
        bodies().some(
          (b) =>
            b.rule === 'monitoring-blind' &&
            b.alerts!.some((a) => a.notice === 'resolved' && a.labels.collector === config.collector.name),
        ),
      Boolean,
      { timeoutMs: 90_000, what: 'monitoring-blind resolved once samples arrive again' },
    );
  });
});
