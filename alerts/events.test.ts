// Events (failovers, blocking commands, flapping nodes), reports and silences through the
// lifecycle, grouping and composition together, at the default alert settings, on an
// injected clock: what a chat channel receives, and when.
import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../common/config-alerts.ts';
import type { AlertEventV1, SilenceV1 } from '../contracts/index.ts';
import { compose } from './compose.ts';
import { owedNotice } from './lifecycle.ts';
import { OwnedStates } from './owned-states.ts';
import { ActiveSilences } from './silences.ts';
import type { NoticeKind } from './types.ts';

const defaults = defaultAlertsConfig();
const cfg = {
  ...defaults,
  routes: [{ match: {}, receiver: 'ops' }],
  receivers: [{ name: 'ops', type: 'webhook' as const, url: 'https://hooks.example/x' }],
};

function failover(
  n: number,
  status: 'firing' | 'resolved',
  ts: number,
  over: Partial<AlertEventV1> = {},
): AlertEventV1 {
  return {
    v: 1,
    kind: 'alert',
    ts,
    fingerprint: `failover-${n}`,
    rule: 'failover',
    status,
    severity: 'critical',
    cluster: 'orders',
    instance: `10.0.0.${n}:7000`,
    labels: { old_master: `10.0.0.${n}:7000`, new_master: `10.0.0.${n}:7003` },
    summary: `Failover in orders: master 10.0.0.${n}:7000 failed, replica 10.0.0.${n}:7003 promoted`,
    details: '',
    hints: [],
    lifecycle: 'event',
    ...over,
  };
}

interface Sent {
  atMs: number;
  id: string;
  status: string;
  items: Array<{ fingerprint: string; kind: NoticeKind }>;
  text: string;
}

/**
 * The manager's loop on an injected clock: apply the events due, compose every 50 ms (the
 * manager's timer is finer, never coarser), mark what was sent and what a silence held
 * back, on the manager's own OwnedStates (one partition, loaded). Returns the messages.
 */
function run(
  steps: Array<{ atMs: number; event: AlertEventV1 }>,
  untilMs: number,
  opts: { silences?: ActiveSilences } = {},
): { sent: Sent[]; silenced: string[]; states: OwnedStates } {
  const states = new OwnedStates(cfg);
  states.loaded(0, []);
  const lastFlush = new Map<string, number>();
  const sent: Sent[] = [];
  const silenced: string[] = [];
  let i = 0;
  for (let now = 0; now <= untilMs; now += 50) {
    while (i < steps.length && steps[i]!.atMs <= now) states.apply(steps[i++]!.event, 0, now);
    const c = compose(states.composable(), lastFlush, now, cfg, opts.silences);
    for (const r of states.silenced(c.silenced, now).toRecord) silenced.push(`${r.item.fingerprint}:${r.item.kind}`);
    for (const m of c.messages) {
      states.keep(states.sent(m.items, now));
      lastFlush.set(m.groupKey, now);
      const payload = m.notification.payload as { status: string; text: string };
      sent.push({
        atMs: now,
        id: m.notification.id,
        status: payload.status,
        items: m.items.map((it) => ({ fingerprint: it.fingerprint, kind: it.kind })),
        text: payload.text,
      });
    }
  }
  return { sent, silenced, states };
}

describe('events at the default group settings', () => {
  it('three failovers in one cluster within 30 s are three firing messages, each within the group wait of its promotion', () => {
    const { sent } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 12_000, event: failover(2, 'firing', 12_000) },
        // a failback of the first shard: its own occurrence
        {
          atMs: 25_000,
          event: failover(3, 'firing', 25_000, {
            summary: 'Failover in orders: master 10.0.0.1:7003 failed, replica 10.0.0.1:7000 promoted',
          }),
        },
      ],
      40_000,
    );
    expect(sent.map((m) => m.items)).toEqual([
      [{ fingerprint: 'failover-1', kind: 'firing' }],
      [{ fingerprint: 'failover-2', kind: 'firing' }],
      [{ fingerprint: 'failover-3', kind: 'firing' }],
    ]);
    expect(sent.map((m) => m.atMs)).toEqual([1200, 12_200, 25_200]);
    expect(sent.every((m) => m.status === 'firing')).toBe(true);
    expect(sent[2]!.text).toContain('master 10.0.0.1:7003 failed, replica 10.0.0.1:7000 promoted');
  });

  it('a failover whose old master is back before the flush is still announced, one message saying both', () => {
    const { sent } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 1100, event: failover(1, 'resolved', 1100) },
      ],
      60_000,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.items).toEqual([{ fingerprint: 'failover-1', kind: 'firing' }]);
    expect(sent[0]!.status).toBe('firing');
    expect(sent[0]!.text).toMatch(/Over: .* after 0s/);
  });

  it('three failovers each resolved right after its promotion, within 30 s: three firing messages, none dropped', () => {
    const steps = [1000, 11_000, 21_000].flatMap((t, k) => [
      { atMs: t, event: failover(k + 1, 'firing', t) },
      { atMs: t + 150, event: failover(k + 1, 'resolved', t + 150) },
    ]);
    const { sent } = run(steps, 120_000);
    const firing = sent.filter((m) => m.status === 'firing');
    expect(firing.map((m) => m.items.map((i) => i.fingerprint))).toEqual([
      ['failover-1'],
      ['failover-2'],
      ['failover-3'],
    ]);
    expect(firing.map((m) => m.atMs)).toEqual([1200, 11_200, 21_200]);
  });

  it('a resolved failover after its firing message waits for the group interval, and rides along with the next urgent one', () => {
    const { sent } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 3000, event: failover(1, 'resolved', 3000) },
        { atMs: 10_000, event: failover(2, 'firing', 10_000) },
      ],
      60_000,
    );
    expect(sent.map((m) => [m.atMs, m.items.map((i) => `${i.fingerprint}:${i.kind}`)])).toEqual([
      [1200, ['failover-1:firing']],
      [10_200, ['failover-2:firing', 'failover-1:resolved']],
    ]);
  });

  it('a cause found after the firing message is one follow-up tied to the failover, sent at once', () => {
    const cause = 'DEBUG sleep ran 8,000 ms on 10.0.0.1:7000, started 0.4 s before it stopped answering';
    const { sent } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 6000, event: failover(1, 'resolved', 6000) },
        { atMs: 12_000, event: failover(1, 'resolved', 12_000, { labels: { old_master: '10.0.0.1:7000', cause } }) },
      ],
      120_000,
    );
    expect(sent.map((m) => [m.atMs, m.status, m.items.map((i) => i.kind)])).toEqual([
      [1200, 'firing', ['firing']],
      // the resolved message was waiting for the group interval; the cause makes it urgent and it says both
      [12_200, 'resolved', ['resolved']],
    ]);
    expect(sent[1]!.text).toContain(`Cause: ${cause}`);
  });

  it('a cause found while the failover still fires is a follow-up message; the resolved message does not repeat it as news', () => {
    const cause = 'EVAL ran 6,000 ms on 10.0.0.1:7000';
    const { sent } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 5000, event: failover(1, 'firing', 5000, { labels: { old_master: '10.0.0.1:7000', cause } }) },
        { atMs: 9000, event: failover(1, 'resolved', 9000, { labels: { old_master: '10.0.0.1:7000', cause } }) },
      ],
      120_000,
    );
    expect(sent.map((m) => [m.atMs, m.status])).toEqual([
      [1200, 'firing'],
      [5200, 'follow-up'],
      [35_200, 'resolved'],
    ]);
    expect(sent[1]!.text).toContain(`CAUSE FOUND ${cause}`);
    expect(sent[1]!.text).toContain('About: Failover in orders: master 10.0.0.1:7000 failed');
  });

  it('a cause known before the firing message went out is in it, and no follow-up follows', () => {
    const cause = 'DEL ran 2,300 ms';
    const { sent } = run([{ atMs: 1000, event: failover(1, 'firing', 1000, { labels: { cause } }) }], 60_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(`Cause: ${cause}`);
  });

  it('a resolved event for a fingerprint never seen firing owes nothing', () => {
    const { sent } = run([{ atMs: 1000, event: failover(1, 'resolved', 1000) }], 60_000);
    expect(sent).toEqual([]);
  });

  it('an event that fires again after its resolved message is announced again at once (no flap cooldown)', () => {
    const flapping = (status: 'firing' | 'resolved', ts: number) =>
      failover(9, status, ts, { rule: 'node-flapping', fingerprint: 'flap-9', severity: 'warning' });
    const { sent } = run(
      [
        { atMs: 1000, event: flapping('firing', 1000) },
        { atMs: 2000, event: flapping('resolved', 2000) },
        { atMs: 40_000, event: flapping('firing', 40_000) },
      ],
      60_000,
    );
    expect(sent.map((m) => [m.atMs, m.items[0]!.kind])).toEqual([
      [1200, 'firing'],
      [31_200, 'resolved'],
      [40_200, 'firing'],
    ]);
  });

  it('conditions keep their rules: one that resolves before its message goes out sends nothing', () => {
    const memory = (status: 'firing' | 'resolved', ts: number) =>
      failover(4, status, ts, { rule: 'memory-near-maxmemory', fingerprint: 'mem-4', lifecycle: undefined });
    const { sent } = run(
      [
        { atMs: 1000, event: memory('firing', 1000) },
        { atMs: 1100, event: memory('resolved', 1100) },
      ],
      60_000,
    );
    expect(sent).toEqual([]);
  });

  it('a report goes out once and is never reminded', () => {
    const report = (status: 'firing' | 'resolved') =>
      failover(5, status, 1000, {
        rule: 'config-audit',
        fingerprint: 'digest-1',
        lifecycle: 'report',
        severity: 'info',
        summary: 'Config audit of orders: 3 findings on 6 instances',
        details: 'timeout 0 on 6 of 6 instances\nFLUSHALL callable by the default user on 6 of 6 instances',
      });
    const { sent, states } = run(
      [
        { atMs: 1000, event: report('firing') },
        { atMs: 1000, event: report('resolved') },
      ],
      10 * 3_600_000 + 1000,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.status).toBe('report');
    expect(sent[0]!.text).toContain('FLUSHALL callable by the default user on 6 of 6 instances');
    expect(owedNotice(states.get('digest-1')!, cfg)).toBeNull();
  });

  it('the same failover composed again after a restart (another manager clock) has the same notification id', () => {
    const first = run([{ atMs: 1000, event: failover(1, 'firing', 1000) }], 2000).sent;
    const replay = run([{ atMs: 7000, event: failover(1, 'firing', 1000) }], 9000).sent;
    expect(replay[0]!.id).toBe(first[0]!.id);
  });
});

describe('silences', () => {
  const silence = (endsAtMs: number): SilenceV1 => ({
    id: 's-1',
    matchers: [
      { name: 'cluster', op: '=', value: 'orders' },
      { name: 'rule', op: '=', value: 'failover' },
    ],
    startsAtMs: 0,
    endsAtMs,
    createdBy: 'ops',
    comment: 'upgrade',
    createdAtMs: 0,
    updatedAtMs: 0,
  });

  it('a silenced failover is recorded, not sent, and not sent when the silence ends; the next one after it is', () => {
    const silences = new ActiveSilences();
    silences.replace([silence(20_000)]);
    const { sent, silenced } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 25_000, event: failover(2, 'firing', 25_000) },
      ],
      60_000,
      { silences },
    );
    expect(silenced).toEqual(['failover-1:firing']);
    expect(sent.map((m) => m.items.map((i) => i.fingerprint))).toEqual([['failover-2']]);
  });

  it('a silence matches on labels: another cluster, or a regex that does not match, goes through', () => {
    const silences = new ActiveSilences();
    silences.replace([
      { ...silence(60_000), matchers: [{ name: 'old_master', op: '=~', value: '10\\.0\\.0\\.1:.*' }] },
    ]);
    const { sent, silenced } = run(
      [
        { atMs: 1000, event: failover(1, 'firing', 1000) },
        { atMs: 1000, event: failover(2, 'firing', 1000) },
      ],
      5000,
      { silences },
    );
    expect(silenced).toEqual(['failover-1:firing']);
    expect(sent.map((m) => m.items.map((i) => i.fingerprint))).toEqual([['failover-2']]);
  });

  it('a condition still firing when its silence ends is sent then, as in Alertmanager', () => {
    const silences = new ActiveSilences();
    silences.replace([{ ...silence(30_000), matchers: [{ name: 'rule', op: '=', value: 'instance-down' }] }]);
    const down = failover(6, 'firing', 1000, { rule: 'instance-down', fingerprint: 'down-6', lifecycle: undefined });
    const { sent, silenced } = run([{ atMs: 1000, event: down }], 60_000, { silences });
    expect(silenced[0]).toBe('down-6:firing');
    expect(sent.map((m) => m.atMs)).toEqual([30_000]);
  });
});
