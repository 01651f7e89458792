// Config audit sampler: every 5 minutes by default, CONFIG GET * plus what the rules need
// (INFO, CLUSTER NODES, COMMAND INFO and ACL DRYRUN for the dangerous commands, ACL
// GETUSER default, /proc/sys/vm/overcommit_memory for local instances), checked by
// rules.ts. Emits one ConfigAuditSampleV1 (contracts/config-audit.ts)
// per instance. Secrets read by CONFIG GET are dropped at parse time (parse-config.ts).
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import type { Redis } from 'ioredis';
import { TOPICS, type ConfigAuditSampleV1 } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { aclUserFlags, parseConfigGet } from './parse-config.ts';
import { auditConfig, type AuditThresholds, type DangerousCommand } from './rules.ts';
import { parseClusterNodes, type ClusterNode } from '../topology/parse-cluster-nodes.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export interface ConfigAuditSamplerOptions extends AuditThresholds {
  everyMs: number;
  timeoutMs: number;
}

/** The commands ops want renamed or denied, with arguments that make ACL DRYRUN accept the call. */
const DANGEROUS: ReadonlyArray<[string, string[]]> = [
  ['flushall', []],
  ['flushdb', []],
  ['keys', ['*']],
  ['save', []],
];

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

async function clusterNodes(redis: Redis): Promise<ClusterNode[] | null> {
  try {
    return parseClusterNodes(String(await redis.call('CLUSTER', 'NODES')));
  } catch (err) {
    if (/cluster support disabled/i.test(errorMessage(err))) return null;
    throw err;
  }
}

/** Flags of the default user, or null where there are no ACLs (Redis < 6) or we may not read them. */
async function defaultUserFlags(redis: Redis): Promise<string[] | null> {
  try {
    return aclUserFlags(await redis.call('ACL', 'GETUSER', 'default'));
  } catch {
    return null;
  }
}

/** Whether the default user may run `command`: ACL DRYRUN (Redis ≥ 7); no ACLs at all means yes. */
async function defaultMayRun(redis: Redis, command: string, args: string[]): Promise<boolean | null> {
  try {
    // DRYRUN answers OK, or a text explaining the denial (a reply, not an error).
    return String(await redis.call('ACL', 'DRYRUN', 'default', command, ...args)) === 'OK';
  } catch (err) {
    const msg = errorMessage(err);
    if (/unknown command/i.test(msg)) return true; // Redis < 6: no ACLs, every client may
    return null; // Redis 6 (no DRYRUN), or our user may not run ACL: unknown
  }
}

async function dangerousCommands(redis: Redis): Promise<DangerousCommand[]> {
  // COMMAND INFO answers nil for a command it does not know: renamed or disabled.
  const info = (await redis.call('COMMAND', 'INFO', ...DANGEROUS.map(([c]) => c))) as unknown[];
  return Promise.all(
    DANGEROUS.map(async ([command, args], i) => {
      const present = Array.isArray(info) && Array.isArray(info[i]);
      return { command, present, defaultUserAllowed: present ? await defaultMayRun(redis, command, args) : false };
    }),
  );
}

function isLocalHost(host: string): boolean {
  if (/^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host)) return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address === host));
}

/** The host setting, when the instance runs on this machine; null otherwise (the rule is skipped). */
async function overcommitMemory(host: string): Promise<string | null> {
  if (!isLocalHost(host)) return null;
  return readFile('/proc/sys/vm/overcommit_memory', 'utf8').catch(() => null);
}

function nodeTimeout(config: ReadonlyMap<string, string>): { clusterNodeTimeoutMs?: number } {
  const v = config.get('cluster-node-timeout');
  return config.get('cluster-enabled') === 'yes' && v !== undefined && /^\d+$/.test(v)
    ? { clusterNodeTimeoutMs: Number(v) }
    : {};
}

export function configAuditSampler(opts: ConfigAuditSamplerOptions): Sampler {
  return {
    name: 'config-audit',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext): Promise<Sample[]> {
      const redis = target.redis;
      const gathered = await Promise.all([
        redis.call('CONFIG', 'GET', '*'),
        redis.info('server'),
        redis.info('replication'),
        clusterNodes(redis),
        dangerousCommands(redis),
        defaultUserFlags(redis),
        overcommitMemory(target.ref.host),
      ]).catch((err) => {
        throw new Error(`config audit of ${target.ref.id}: ${errorMessage(err)}`);
      });
      const [configReply, server, replication, nodes, dangerous, userFlags, overcommit] = gathered;
      const config = parseConfigGet(configReply);
      const roleText = infoField(replication, 'role');
      const role = roleText === 'master' ? 'master' : roleText === 'slave' ? 'replica' : 'unknown';
      // With ACLs the default user's `nopass` flag decides; before them, requirepass does.
      const defaultUserNoPass =
        userFlags && userFlags.length > 0
          ? userFlags.includes('nopass')
          : config.has('requirepass')
            ? config.get('requirepass') === ''
            : null;
      // A disabled default user (`off`) cannot be used by anyone, whatever its permissions.
      const reachable = userFlags?.includes('off')
        ? dangerous.map((d) => ({ ...d, defaultUserAllowed: false }))
        : dangerous;
      const audit = auditConfig(
        {
          config,
          role,
          instanceHost: target.ref.host,
          defaultUserNoPass,
          dangerous: reachable,
          nodes,
          overcommitMemory: overcommit,
        },
        opts,
      );
      const value: ConfigAuditSampleV1 = {
        v: 1,
        kind: 'config-audit',
        ts: Date.now(),
        instance: target.ref,
        collector: ctx.collector,
        role,
        version: (infoField(server, 'valkey_version') ?? infoField(server, 'redis_version') ?? '').slice(0, 64),
        rulesChecked: audit.rulesChecked,
        findings: audit.findings.slice(0, 500),
        ...nodeTimeout(config),
      };
      return [{ topic: TOPICS.configAudit, value }];
    },
  };
}
