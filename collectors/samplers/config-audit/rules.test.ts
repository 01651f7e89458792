import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../topology/parse-cluster-nodes.ts';
import { parseConfigGet } from './parse-config.ts';
import { auditConfig, RULE_IDS, type AuditInput, type AuditThresholds, type DangerousCommand } from './rules.ts';

const thresholds: AuditThresholds = {
  clusterNodeTimeoutMinMs: 5000,
  clusterNodeTimeoutMaxMs: 60_000,
  replBacklogMinBytes: 64 * 1024 * 1024,
};

/** A configuration that breaks no rule. */
const good: Record<string, string> = {
  'cluster-enabled': 'yes',
  'cluster-node-timeout': '15000',
  timeout: '300',
  'repl-backlog-size': String(64 * 1024 * 1024),
  'client-output-buffer-limit': 'normal 268435456 134217728 60 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  save: '',
  appendonly: 'no',
  appendfsync: 'everysec',
  maxmemory: String(8 * 1024 ** 3),
  'maxmemory-policy': 'allkeys-lru',
  bind: '0.0.0.0',
  'protected-mode': 'yes',
  requirepass: '<set>',
};

const M1 = 'a'.repeat(40);
const R1 = 'b'.repeat(40);
const nodesOnTwoHosts = parseClusterNodes(
  [
    `${M1} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383`,
    `${R1} 10.0.0.2:7001@17001 slave ${M1} 0 0 1 connected`,
  ].join('\n'),
);
const denied: DangerousCommand[] = ['flushall', 'flushdb', 'keys', 'save'].map((command) => ({
  command,
  present: true,
  defaultUserAllowed: false,
}));

function audit(overrides: Record<string, string> = {}, input: Partial<AuditInput> = {}) {
  return auditConfig(
    {
      config: new Map(Object.entries({ ...good, ...overrides })),
      role: 'master',
      instanceHost: '10.0.0.1',
      defaultUserNoPass: false,
      dangerous: denied,
      nodes: nodesOnTwoHosts,
      overcommitMemory: '1',
      ...input,
    },
    thresholds,
  );
}

const rulesOf = (r: ReturnType<typeof audit>) => r.findings.map((f) => f.rule);

describe('config audit rules', () => {
  it('a configuration that follows every practice has no findings, and every rule ran', () => {
    const r = audit();
    expect(r.findings).toEqual([]);
    expect(r.rulesChecked).toEqual(RULE_IDS);
  });

  it('flags timeout 0', () => {
    const [f] = audit({ timeout: '0' }).findings;
    expect(f).toMatchObject({ rule: 'timeout-zero', severity: 'warning', setting: 'timeout', value: '0' });
    expect(f!.recommendation).toMatch(/> 0/);
  });

  it('flags cluster-node-timeout below and above the configured bounds, only on cluster nodes', () => {
    expect(audit({ 'cluster-node-timeout': '2000' }).findings[0]).toMatchObject({
      rule: 'cluster-node-timeout',
      value: '2000',
      message: expect.stringMatching(/failed over/),
    });
    expect(audit({ 'cluster-node-timeout': '120000' }).findings[0]).toMatchObject({
      rule: 'cluster-node-timeout',
      message: expect.stringMatching(/unserved/),
    });
    expect(
      audit({ 'cluster-enabled': 'no', 'cluster-node-timeout': '2000' }, { nodes: null }).rulesChecked,
    ).not.toContain('cluster-node-timeout');
  });

  it('flags dangerous commands the default user may run: FLUSHALL/FLUSHDB critical, KEYS/SAVE warning', () => {
    const dangerous: DangerousCommand[] = [
      { command: 'flushall', present: true, defaultUserAllowed: true },
      { command: 'flushdb', present: false, defaultUserAllowed: false }, // renamed
      { command: 'keys', present: true, defaultUserAllowed: null }, // ACL not checkable
      { command: 'save', present: true, defaultUserAllowed: false }, // denied by ACL
    ];
    const found = audit({}, { dangerous }).findings;
    expect(found.map((f) => [f.setting, f.severity, f.value])).toEqual([
      ['flushall', 'critical', 'enabled for the default user'],
      ['keys', 'warning', 'enabled (ACL not checked)'],
    ]);
  });

  it('flags a small replication backlog on masters and replicas alike (a failover must not move the finding)', () => {
    expect(audit({ 'repl-backlog-size': '1048576' }).findings[0]).toMatchObject({
      rule: 'repl-backlog-small',
      value: '1048576',
      message: expect.stringMatching(/1 MB/),
    });
    expect(audit({ 'repl-backlog-size': '1048576' }, { role: 'replica' }).findings).toEqual(
      audit({ 'repl-backlog-size': '1048576' }).findings,
    );
  });

  it('flags unlimited output buffers for normal clients', () => {
    expect(
      audit({ 'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60' })
        .findings[0],
    ).toMatchObject({
      rule: 'client-output-buffer-normal',
      value: 'normal 0 0 0',
      recommendation: 'normal 256mb 128mb 60',
    });
  });

  it('reports RDB snapshots as info (fork risk) on masters and replicas alike', () => {
    expect(audit({ save: '3600 1 300 100' }).findings[0]).toMatchObject({ rule: 'save-on-master', severity: 'info' });
    expect(audit({ save: '3600 1 300 100' }, { role: 'replica' }).findings).toEqual(
      audit({ save: '3600 1 300 100' }).findings,
    );
  });

  it('flags appendfsync always only when AOF is on', () => {
    expect(rulesOf(audit({ appendonly: 'yes', appendfsync: 'always' }))).toEqual(['appendfsync-always']);
    expect(audit({ appendonly: 'no', appendfsync: 'always' }).findings).toEqual([]);
  });

  it('flags maxmemory 0 and names noeviction', () => {
    expect(audit({ maxmemory: '0', 'maxmemory-policy': 'noeviction' }).findings[0]).toMatchObject({
      rule: 'maxmemory-unbounded',
      value: '0 (policy noeviction)',
      message: expect.stringMatching(/noeviction/),
    });
  });

  it('flags protected-mode off on an exposed node without password, and a loopback bind with remote peers', () => {
    expect(audit({ 'protected-mode': 'no', bind: '* -::*' }, { defaultUserNoPass: true }).findings[0]).toMatchObject({
      rule: 'bind-protected-mode',
      severity: 'critical',
      setting: 'protected-mode',
    });
    expect(audit({ 'protected-mode': 'no', bind: '* -::*' }, { defaultUserNoPass: false }).findings).toEqual([]);
    expect(audit({ bind: '127.0.0.1 -::1' }).findings[0]).toMatchObject({
      rule: 'bind-protected-mode',
      setting: 'bind',
      message: expect.stringMatching(/cannot reach/),
    });
  });

  it('flags a master and its replica on the same host from both nodes, with the same value whichever is master', () => {
    const sameHost = parseClusterNodes(
      [
        `${M1} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460`,
        `${R1} 127.0.0.1:7003@17003 slave ${M1} 0 0 1 connected`,
      ].join('\n'),
    );
    const [f] = audit({ bind: '127.0.0.1' }, { nodes: sameHost, instanceHost: '127.0.0.1' }).findings;
    expect(f).toMatchObject({
      rule: 'replica-same-host',
      severity: 'critical',
      value: '127.0.0.1:7000, 127.0.0.1:7003',
      message: expect.stringMatching(/0-5460/),
    });
    const fromReplica = parseClusterNodes(
      [
        `${M1} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-5460`,
        `${R1} 127.0.0.1:7003@17003 myself,slave ${M1} 0 0 1 connected`,
      ].join('\n'),
    );
    const [r] = audit(
      { bind: '127.0.0.1' },
      { nodes: fromReplica, role: 'replica', instanceHost: '127.0.0.1' },
    ).findings;
    expect(r).toMatchObject({ rule: 'replica-same-host', value: '127.0.0.1:7000, 127.0.0.1:7003' });
    // After a failover (7003 master, 7000 its replica) the master's finding is unchanged in identity and value.
    const afterFailover = parseClusterNodes(
      [
        `${M1} 127.0.0.1:7000@17000 myself,slave ${R1} 0 0 2 connected`,
        `${R1} 127.0.0.1:7003@17003 master - 0 0 2 connected 0-5460`,
      ].join('\n'),
    );
    const [g] = audit(
      { bind: '127.0.0.1' },
      { nodes: afterFailover, role: 'replica', instanceHost: '127.0.0.1' },
    ).findings;
    expect([g!.rule, g!.setting, g!.value]).toEqual([f!.rule, f!.setting, f!.value]);
  });

  it('checks vm.overcommit_memory only when it could be read', () => {
    expect(audit({}, { overcommitMemory: '0\n' }).findings[0]).toMatchObject({
      rule: 'overcommit-memory',
      setting: 'vm.overcommit_memory',
      value: '0',
    });
    expect(audit({}, { overcommitMemory: null }).rulesChecked).not.toContain('overcommit-memory');
  });

  it('never shows a secret read by CONFIG GET', () => {
    const config = parseConfigGet(
      Object.entries({
        ...good,
        'protected-mode': 'no',
        requirepass: 'hunter2',
        masterauth: 'hunter3',
        timeout: '0',
      }).flat(),
    );
    const r = auditConfig(
      {
        config,
        role: 'master',
        instanceHost: '10.0.0.1',
        defaultUserNoPass: true,
        dangerous: null,
        nodes: null,
        overcommitMemory: null,
      },
      thresholds,
    );
    expect(r.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(r)).not.toMatch(/hunter/);
  });
});
