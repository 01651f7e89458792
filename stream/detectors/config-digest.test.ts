import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import type { AlertEventV1, ConfigAuditSampleV1, ConfigFinding } from '../../contracts/index.ts';
import { configDigestDetector, type DigestState } from './config-digest.ts';

const settings = defaultDetectorsConfig();
const T0 = 1_700_000_000_000;

const finding = (
  rule: string,
  setting: string,
  value: string,
  severity: ConfigFinding['severity'] = 'warning',
): ConfigFinding => ({
  rule,
  severity,
  setting,
  value,
  recommendation: `fix ${setting}`,
  message: `${setting} is ${value}: it hurts`,
});
const common = () => [
  finding('timeout-zero', 'timeout', '0'),
  finding('dangerous-command', 'flushall', 'enabled for the default user', 'critical'),
  finding('overcommit-memory', 'vm.overcommit_memory', '0'),
  finding('save-on-master', 'save', '3600 1', 'info'), // below the default minSeverity
];
const audit = (
  port: number,
  ts: number,
  findings: ConfigFinding[],
  role: 'master' | 'replica' = 'master',
): ConfigAuditSampleV1 => ({
  v: 1,
  kind: 'config-audit',
  ts,
  instance: { id: `127.0.0.1:${port}`, host: '127.0.0.1', port, cluster: 'orders' },
  collector: 'c',
  role,
  version: '7.0.15',
  rulesChecked: [],
  findings,
});

/** Audits as they arrive and a tick every second of wall clock (= message time here). */
function run(audits: ConfigAuditSampleV1[], untilMs: number) {
  let state: DigestState | undefined;
  const events: AlertEventV1[] = [];
  const queue = [...audits].sort((a, b) => a.ts - b.ts);
  for (let now = T0; now <= untilMs; now += 1000) {
    while (queue.length > 0 && queue[0]!.ts <= now) {
      const m = queue.shift()!;
      state = configDigestDetector.observe(m, state, { now: m.ts, settings }).state;
    }
    if (state) {
      const r = configDigestDetector.tick!(state, { now, settings, assignedSinceMs: T0 });
      state = r.state;
      events.push(...r.events);
    }
  }
  return events.filter((e) => e.status === 'firing');
}

const sixNodes = (ts: number, findings = common) =>
  [7000, 7001, 7002, 7003, 7004, 7005].map((p, i) => audit(p, ts + i * 100, findings(), i < 3 ? 'master' : 'replica'));

describe('config audit digest', () => {
  it('a healthy-but-misconfigured 6-node cluster gets one digest a minute after its first audit, one line per rule', () => {
    const events = run(sixNodes(T0), T0 + 10 * 60_000);
    expect(events).toHaveLength(1);
    const [d] = events;
    expect(d).toMatchObject({ rule: 'config-audit', lifecycle: 'report', severity: 'critical' });
    expect(d!.ts).toBe(T0 + 60_000);
    expect(d!.summary).toBe('Config audit of orders: 3 findings across 6 instances');
    expect(d!.details.split('\n')).toEqual([
      '[critical] FLUSHALL enabled for the default user on 6 of 6 instances: it hurts — fix flushall',
      'timeout = 0 on 6 of 6 instances: it hurts — fix timeout',
      'vm.overcommit_memory = 0 on 1 of 1 hosts: it hurts — fix vm.overcommit_memory',
    ]);
  });

  it('audits repeating every 5 minutes send nothing more until the next day; a failover (roles swapped) changes nothing', () => {
    const audits = [0, 5, 10, 15, 20, 25].flatMap((min) =>
      [7000, 7001, 7002, 7003, 7004, 7005].map((p, i) =>
        audit(p, T0 + min * 60_000 + i * 100, common(), i < 3 !== min >= 10 ? 'master' : 'replica'),
      ),
    );
    expect(run(audits, T0 + 30 * 60_000)).toHaveLength(1);
  });

  it('the next digest comes a day later', () => {
    const audits = [0, 12, 24].flatMap((h) => sixNodes(T0 + h * 3_600_000));
    const events = run(audits, T0 + 24 * 3_600_000 + 120_000);
    expect(events.map((e) => e.ts - T0)).toEqual([60_000, 60_000 + 86_400_000]);
  });

  it('between digests only a newly appearing finding is sent, once, after the gathering window', () => {
    const later = [7000, 7001, 7002, 7003, 7004, 7005].map((p, i) =>
      audit(
        p,
        T0 + 10 * 60_000 + i * 100,
        p === 7002 ? [...common(), finding('maxmemory-unbounded', 'maxmemory', '0 (policy noeviction)')] : common(),
      ),
    );
    const again = later.map((a) => ({ ...a, ts: a.ts + 5 * 60_000 }));
    const events = run([...sixNodes(T0), ...later, ...again], T0 + 30 * 60_000);
    expect(events).toHaveLength(2);
    expect(events[1]!.summary).toBe('New config findings in orders: 1 on 1 instance');
    expect(events[1]!.details).toBe(
      'maxmemory = 0 (policy noeviction) on 127.0.0.1:7002 (now 1 of 6 instances): it hurts — fix maxmemory',
    );
    const waited = events[1]!.ts - (T0 + 10 * 60_000 + 200);
    expect(waited).toBeGreaterThanOrEqual(settings.configFindings.newFindingsAfterMs);
    expect(waited).toBeLessThan(settings.configFindings.newFindingsAfterMs + 1000); // the next tick
  });

  it('a fixed finding is not a message; when it comes back it is new again', () => {
    const fixed = sixNodes(T0 + 5 * 60_000, () => common().filter((f) => f.rule !== 'timeout-zero'));
    const back = sixNodes(T0 + 10 * 60_000);
    const events = run([...sixNodes(T0), ...fixed, ...back], T0 + 30 * 60_000);
    expect(events.map((e) => e.summary)).toEqual([
      'Config audit of orders: 3 findings across 6 instances',
      'New config findings in orders: 1 on 6 instances',
    ]);
  });
});
