// The configuration rules: pure functions of what the sampler read, each returning its
// findings. Sources: the operators' practices in redis-practices.md (why each matters is
// in the recommendation text, which ops read in the API and dashboards).
// A rule whose inputs are missing (no topology on a standalone instance, /proc not
// readable for a remote host) is not run and not listed in rulesChecked, so "no finding"
// always means "checked and fine".
// No finding depends on the node's current role: a failover swaps roles, and a finding
// that moved from one node to another with it would resolve and fire again for nothing.
// A replica's settings matter the day it is promoted, so they are checked like a master's.
import type { ConfigFinding } from '../../../contracts/index.ts';
import type { ClusterNode } from '../topology/parse-cluster-nodes.ts';
import { parseOutputBufferLimits } from './parse-config.ts';

export interface DangerousCommand {
  /** Lower-case command name as asked (`flushall`). */
  command: string;
  /** COMMAND INFO knows it under this name (renamed or removed commands are unknown). */
  present: boolean;
  /** The `default` user may run it (ACL DRYRUN); null when that could not be checked. */
  defaultUserAllowed: boolean | null;
}

export interface AuditInput {
  config: ReadonlyMap<string, string>;
  role: 'master' | 'replica' | 'unknown';
  /** Host of the audited instance as the collector reaches it (for nodes that announce no ip). */
  instanceHost: string;
  /** The default user needs no password (ACL `nopass`, or no requirepass before ACLs); null = unknown. */
  defaultUserNoPass: boolean | null;
  /** null when they could not be checked. */
  dangerous: readonly DangerousCommand[] | null;
  /** CLUSTER NODES, parsed; null on a standalone instance. */
  nodes: readonly ClusterNode[] | null;
  /** /proc/sys/vm/overcommit_memory of the instance's host; null when not local. */
  overcommitMemory: string | null;
}

export interface AuditThresholds {
  clusterNodeTimeoutMinMs: number;
  clusterNodeTimeoutMaxMs: number;
  replBacklogMinBytes: number;
}

export interface AuditResult {
  rulesChecked: string[];
  findings: ConfigFinding[];
}

type Rule = { id: string; run(input: AuditInput, t: AuditThresholds): ConfigFinding[] | null };

const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
/** Critical: one call wipes or blocks a whole node; warning: blocks it for a long time. */
const DANGEROUS_SEVERITY: Record<string, ConfigFinding['severity']> = {
  flushall: 'critical',
  flushdb: 'critical',
  keys: 'warning',
  save: 'warning',
};

function finding(
  rule: string,
  severity: ConfigFinding['severity'],
  setting: string,
  value: string,
  recommendation: string,
  message: string,
): ConfigFinding {
  return { rule, severity, setting, value: value.slice(0, 1024), recommendation, message: message.slice(0, 2048) };
}

function bindAddresses(config: ReadonlyMap<string, string>): string[] {
  // Redis 7 allows a leading `-` (optional address): `bind * -::*`.
  return (config.get('bind') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => a.replace(/^-/, ''));
}

const rules: Rule[] = [
  {
    id: 'cluster-node-timeout',
    run({ config }, t) {
      if (config.get('cluster-enabled') !== 'yes') return null;
      const raw = config.get('cluster-node-timeout');
      if (raw === undefined) return null;
      const ms = Number(raw);
      if (ms < t.clusterNodeTimeoutMinMs) {
        return [
          finding(
            'cluster-node-timeout',
            'warning',
            'cluster-node-timeout',
            raw,
            `at least ${t.clusterNodeTimeoutMinMs} ms, above the longest expected stall (Redis default 15000)`,
            `cluster-node-timeout is ${ms} ms: any stall longer than that (a big DEL, KEYS, a fork) gets this master failed over needlessly`,
          ),
        ];
      }
      if (ms > t.clusterNodeTimeoutMaxMs) {
        return [
          finding(
            'cluster-node-timeout',
            'warning',
            'cluster-node-timeout',
            raw,
            `at most ${t.clusterNodeTimeoutMaxMs} ms`,
            `cluster-node-timeout is ${ms} ms: a dead master keeps its slots unserved that long before its replica takes over`,
          ),
        ];
      }
      return [];
    },
  },
  {
    id: 'dangerous-command',
    run({ dangerous }) {
      if (!dangerous) return null;
      return dangerous
        .filter((d) => d.present && d.defaultUserAllowed !== false)
        .map((d) =>
          finding(
            'dangerous-command',
            DANGEROUS_SEVERITY[d.command] ?? 'warning',
            d.command,
            d.defaultUserAllowed === null ? 'enabled (ACL not checked)' : 'enabled for the default user',
            `rename it (rename-command) or deny it by ACL (-${d.command})`,
            `${d.command.toUpperCase()} can be run by any client as the default user; it blocks the node long enough to trigger a failover (or wipes data)`,
          ),
        );
    },
  },
  {
    id: 'timeout-zero',
    run({ config }) {
      const v = config.get('timeout');
      if (v === undefined) return null;
      return v === '0'
        ? [
            finding(
              'timeout-zero',
              'warning',
              'timeout',
              v,
              'a value > 0 (e.g. 300) so idle connections are closed',
              'timeout is 0: idle and leaked client connections are never closed and pile up',
            ),
          ]
        : [];
    },
  },
  {
    id: 'repl-backlog-small',
    run({ config }, t) {
      const v = config.get('repl-backlog-size');
      if (v === undefined) return null;
      const bytes = Number(v);
      return bytes < t.replBacklogMinBytes
        ? [
            finding(
              'repl-backlog-small',
              'warning',
              'repl-backlog-size',
              v,
              `about ${mb(t.replBacklogMinBytes)} for heavy write loads`,
              `repl-backlog-size is ${mb(bytes)}: a replica that drops its link briefly under heavy writes needs a full resync (from this node whenever it is the master)`,
            ),
          ]
        : [];
    },
  },
  {
    id: 'client-output-buffer-normal',
    run({ config }) {
      const v = config.get('client-output-buffer-limit');
      if (v === undefined) return null;
      const normal = parseOutputBufferLimits(v).get('normal');
      return normal?.every((n) => n === 0)
        ? [
            finding(
              'client-output-buffer-normal',
              'warning',
              'client-output-buffer-limit',
              `normal ${normal.join(' ')}`,
              'normal 256mb 128mb 60',
              'normal clients have no output buffer limit: one client reading a huge reply (KEYS, HGETALL of a big hash) can exhaust memory',
            ),
          ]
        : [];
    },
  },
  {
    id: 'save-on-master',
    run({ config }) {
      const v = config.get('save');
      if (v === undefined) return null;
      return v.trim() !== ''
        ? [
            finding(
              'save-on-master',
              'info',
              'save',
              v,
              'on busy masters, disable RDB snapshots (save "") and persist elsewhere (a replica, AOF); after a failover the replica is the master',
              `RDB snapshots are on ("${v}"): each one forks; on a busy master with much memory (this node, or it once promoted) the fork stalls the node`,
            ),
          ]
        : [];
    },
  },
  {
    id: 'appendfsync-always',
    run({ config }) {
      const v = config.get('appendfsync');
      if (v === undefined) return null;
      return v === 'always' && config.get('appendonly') === 'yes'
        ? [
            finding(
              'appendfsync-always',
              'warning',
              'appendfsync',
              v,
              'everysec',
              'appendfsync always waits for the disk on every write: latency follows the disk',
            ),
          ]
        : [];
    },
  },
  {
    id: 'maxmemory-unbounded',
    run({ config }) {
      const v = config.get('maxmemory');
      if (v === undefined) return null;
      const policy = config.get('maxmemory-policy') ?? '';
      return v === '0'
        ? [
            finding(
              'maxmemory-unbounded',
              'warning',
              'maxmemory',
              `0 (policy ${policy})`,
              'a maxmemory below the host memory, with an eviction policy that fits the data',
              `maxmemory is 0 (unbounded)${policy === 'noeviction' ? ' with noeviction' : ''}: keys without TTL grow until the OOM killer ends the node`,
            ),
          ]
        : [];
    },
  },
  {
    id: 'bind-protected-mode',
    run({ config, defaultUserNoPass, nodes, instanceHost }) {
      if (!config.has('bind') || !config.has('protected-mode')) return null;
      const addrs = bindAddresses(config);
      const loopbackOnly = addrs.length > 0 && addrs.every((a) => LOOPBACK.test(a));
      const out: ConfigFinding[] = [];
      const remotePeers = (nodes ?? []).filter((n) => !LOOPBACK.test(n.host || instanceHost));
      if (config.get('cluster-enabled') === 'yes' && loopbackOnly && remotePeers.length > 0) {
        out.push(
          finding(
            'bind-protected-mode',
            'critical',
            'bind',
            config.get('bind')!,
            'bind an explicit IPv4 address reachable by the other nodes (e.g. 0.0.0.0)',
            `bind is loopback only but ${remotePeers.length} cluster nodes are on other hosts: they cannot reach this node`,
          ),
        );
      }
      if (config.get('protected-mode') === 'no' && !loopbackOnly && defaultUserNoPass === true) {
        out.push(
          finding(
            'bind-protected-mode',
            'critical',
            'protected-mode',
            'no',
            'set a password (requirepass / ACL) or keep protected-mode yes',
            `protected-mode is off, bind is ${addrs.join(' ') || 'all interfaces'} and the default user has no password: anyone who reaches the port owns the data`,
          ),
        );
      }
      return out;
    },
  },
  {
    id: 'replica-same-host',
    // Reported by both nodes of a master–replica pair sharing a host, whichever is master
    // now: the pair, not the role, is what is wrong.
    run({ nodes, instanceHost }) {
      if (!nodes) return null;
      const me = nodes.find((n) => n.myself);
      if (!me) return [];
      const host = (n: ClusterNode) => n.host || instanceHost;
      const addr = (n: ClusterNode) => `${host(n)}:${n.port}`;
      const master = me.role === 'master' ? me : nodes.find((n) => n.id === me.masterId);
      if (!master) return [];
      const pair = me.role === 'master' ? nodes.filter((n) => n.masterId === me.id) : [master];
      const sameHost = pair.filter((n) => host(n) === host(me));
      if (sameHost.length === 0) return [];
      const slots = master.slots.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') || '(none)';
      return [
        finding(
          'replica-same-host',
          'critical',
          'topology',
          [me, ...sameHost].map(addr).sort().join(', '),
          'place every replica on a different host than its master',
          `${addr(me)} shares host ${host(me)} with its ${me.role === 'master' ? 'replica' : 'master'} ${sameHost.map(addr).join(', ')}: losing that host loses the slots ${slots}`,
        ),
      ];
    },
  },
  {
    id: 'overcommit-memory',
    run({ overcommitMemory }) {
      if (overcommitMemory === null) return null;
      return overcommitMemory.trim() !== '1'
        ? [
            finding(
              'overcommit-memory',
              'warning',
              'vm.overcommit_memory',
              overcommitMemory.trim(),
              'sysctl vm.overcommit_memory=1 on the host',
              `vm.overcommit_memory is ${overcommitMemory.trim()}: the fork for BGSAVE or an AOF rewrite can fail when memory is tight`,
            ),
          ]
        : [];
    },
  },
];

/** Every rule id, in evaluation order. */
export const RULE_IDS: readonly string[] = rules.map((r) => r.id);

export function auditConfig(input: AuditInput, thresholds: AuditThresholds): AuditResult {
  const result: AuditResult = { rulesChecked: [], findings: [] };
  for (const rule of rules) {
    const found = rule.run(input, thresholds);
    if (found === null) continue;
    result.rulesChecked.push(rule.id);
    result.findings.push(...found);
  }
  return result;
}
