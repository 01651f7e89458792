import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../common/config-alerts.ts';
import type { AlertEventV1 } from '../contracts/index.ts';
import { Heartbeat } from './heartbeat.ts';

const config = {
  ...defaultAlertsConfig(),
  heartbeat: { receiver: 'dms', everyMs: 3_600_000 },
  receivers: [{ name: 'dms', type: 'webhook' as const, url: 'https://deadman.example/ping/x' }],
};
const watchdog = (ts: number): AlertEventV1 => ({
  v: 1,
  kind: 'alert',
  ts,
  fingerprint: 'watchdog',
  rule: 'watchdog',
  status: 'firing',
  severity: 'info',
  cluster: '',
  labels: { processor: 'host-a' },
  summary: 'stream processor host-a: 1200 samples checked in the last 60 s; newest sample 0.4 s old',
  details: '',
  hints: [],
  lifecycle: 'report',
});

describe('heartbeat', () => {
  it('one message per period while the processors’ watchdog events arrive, with a stable id per period', () => {
    const h = new Heartbeat(config);
    const t0 = 10 * 3_600_000;
    expect(h.due(t0, 0)).toBeNull(); // no watchdog yet: the pipeline is not proven to work
    h.noteWatchdog(watchdog(t0), t0);
    const first = h.due(t0 + 1000, 2)!;
    expect(first.id).toBe('heartbeat-dms-10');
    expect((first.payload as { text: string }).text).toMatch(/redscope is alive: 2 alerts firing/);
    expect((first.payload as { text: string }).text).toMatch(/stream processor host-a: 1200 samples checked/);
    h.noteWatchdog(watchdog(t0 + 60_000), t0 + 60_000);
    expect(h.due(t0 + 61_000, 2)).toBeNull(); // same period
    h.noteWatchdog(watchdog(t0 + 3_600_000), t0 + 3_600_000);
    expect(h.due(t0 + 3_600_500, 0)!.id).toBe('heartbeat-dms-11');
  });

  it('no watchdog for two minutes (the processors are down): no heartbeat, so its absence is noticed', () => {
    const h = new Heartbeat(config);
    h.noteWatchdog(watchdog(0), 0);
    expect(h.due(3 * 60_000, 0)).toBeNull();
  });

  it('off without a receiver', () => {
    const h = new Heartbeat({ ...config, heartbeat: { receiver: '', everyMs: 3_600_000 } });
    h.noteWatchdog(watchdog(0), 0);
    expect(h.due(1, 0)).toBeNull();
  });
});
