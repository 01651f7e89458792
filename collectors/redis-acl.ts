// The Redis commands the collector runs, as one list: docs/security.md's least-privilege
// `ACL SETUSER` line is built from it (a test checks they match) and `redscope doctor`
// asks the server, with ACL DRYRUN, whether the configured user may run each one.

export interface CollectorCommand {
  /** The ACL rule (`info`, `cluster|nodes`). */
  rule: string;
  /** A call ACL DRYRUN accepts for the rule (arguments made up where needed). */
  call: string[];
  /** What breaks without it. */
  why: string;
  /** Not needed by every setup: what decides. Missing optional commands are warnings. */
  optional?: string;
  /**
   * Only servers this new know the command — and ACL SETUSER refuses a rule naming a
   * command the server does not know, so the base user leaves these out.
   */
  since?: string;
}

const K = 'redscope:doctor:probe';

export const COLLECTOR_COMMANDS: readonly CollectorCommand[] = [
  { rule: 'info', call: ['INFO', 'everything'], why: 'every metric (INFO sampler, reachability)' },
  { rule: 'ping', call: ['PING'], why: 'the latency probe' },
  { rule: 'dbsize', call: ['DBSIZE'], why: 'keyspace scan progress' },
  { rule: 'readonly', call: ['READONLY'], why: 'scanning a replica of a cluster' },
  { rule: 'cluster|info', call: ['CLUSTER', 'INFO'], why: 'cluster state (topology sampler)' },
  { rule: 'cluster|nodes', call: ['CLUSTER', 'NODES'], why: 'discovery and failover detection' },
  { rule: 'cluster|shards', call: ['CLUSTER', 'SHARDS'], why: 'node health and replication offsets' },
  { rule: 'cluster|myid', call: ['CLUSTER', 'MYID'], why: 'which node answered' },
  { rule: 'cluster|keyslot', call: ['CLUSTER', 'KEYSLOT', K], why: 'hot keys by slot' },
  {
    rule: 'cluster|slot-stats',
    call: ['CLUSTER', 'SLOT-STATS', 'ORDERBY', 'key-count', 'LIMIT', '1'],
    why: 'hot slots',
    optional: 'Valkey 8 / Redis 8.2+',
    since: 'Valkey 8 / Redis 8.2',
  },
  { rule: 'slowlog|get', call: ['SLOWLOG', 'GET', '1'], why: 'the slowlog sampler' },
  { rule: 'slowlog|len', call: ['SLOWLOG', 'LEN'], why: 'the slowlog sampler' },
  { rule: 'latency|latest', call: ['LATENCY', 'LATEST'], why: 'latency spikes' },
  { rule: 'latency|history', call: ['LATENCY', 'HISTORY', 'command'], why: 'latency spikes' },
  { rule: 'latency|histogram', call: ['LATENCY', 'HISTOGRAM', 'get'], why: 'per-call latency histograms' },
  { rule: 'client|list', call: ['CLIENT', 'LIST'], why: 'the clients sampler' },
  { rule: 'client|setname', call: ['CLIENT', 'SETNAME', 'redscope-collector'], why: 'naming its connections' },
  { rule: 'config|get', call: ['CONFIG', 'GET', 'maxmemory'], why: 'the config audit, memory alerts' },
  { rule: 'scan', call: ['SCAN', '0'], why: 'the keyspace scan' },
  { rule: 'type', call: ['TYPE', K], why: 'the keyspace scan' },
  { rule: 'memory|usage', call: ['MEMORY', 'USAGE', K], why: 'big keys' },
  { rule: 'object|encoding', call: ['OBJECT', 'ENCODING', K], why: 'the keyspace scan' },
  { rule: 'mget', call: ['MGET', K], why: 'the keyspace scan (~30 % faster with it)', optional: 'a fallback exists' },
  { rule: 'strlen', call: ['STRLEN', K], why: 'big keys' },
  { rule: 'hlen', call: ['HLEN', K], why: 'big keys' },
  { rule: 'llen', call: ['LLEN', K], why: 'big keys' },
  { rule: 'scard', call: ['SCARD', K], why: 'big keys' },
  { rule: 'zcard', call: ['ZCARD', K], why: 'big keys' },
  { rule: 'xlen', call: ['XLEN', K], why: 'big keys' },
  { rule: 'ttl', call: ['TTL', K], why: 'keys without TTL' },
  { rule: 'pttl', call: ['PTTL', K], why: 'keys without TTL' },
  { rule: 'object|freq', call: ['OBJECT', 'FREQ', K], why: 'hot keys (LFU)' },
  { rule: 'command|info', call: ['COMMAND', 'INFO', 'get'], why: 'the config audit' },
  { rule: 'acl|dryrun', call: ['ACL', 'DRYRUN', 'default', 'PING'], why: 'the config audit, redscope doctor' },
  {
    rule: 'evalsha',
    call: ['EVALSHA', '0000000000000000000000000000000000000000', '0'],
    why: "the keyspace scan's read-only script",
    optional: 'collector.keyspace.mode: pipeline does without',
  },
  {
    rule: 'script|load',
    call: ['SCRIPT', 'LOAD', 'return 1'],
    why: "the keyspace scan's read-only script",
    optional: 'collector.keyspace.mode: pipeline does without',
  },
  { rule: 'hotkeys', call: ['HOTKEYS'], why: 'hot keys', optional: 'Redis 8.6+', since: 'Redis 8.6' },
];

/** The least-privilege user (docs/security.md: Collector permissions), for any Redis ≥ 7 (no `since` commands). */
export function collectorAclSetuser(username = 'redscope', password = 'CHANGE-ME'): string {
  const rules = COLLECTOR_COMMANDS.filter((c) => !c.since).map((c) => `+${c.rule}`);
  return `ACL SETUSER ${username} on >${password} resetkeys ~* -@all ${rules.join(' ')}`;
}

/** The rules to add on newer servers: `+cluster|slot-stats` (Valkey 8 / Redis 8.2), … */
export const NEWER_SERVER_RULES = COLLECTOR_COMMANDS.filter((c) => c.since).map((c) => ({
  rule: `+${c.rule}`,
  since: c.since!,
}));
