// Developer commands over the HTTP API (not ClickHouse): `latency`, `slowlog`, `bigkeys`.
// They print tables and need only the API's address and a read token:
//   redscope latency --cluster prod --from 2026-11-25T10:00:00Z
//   REDSCOPE_API_URL=https://redscope.internal REDSCOPE_API_TOKEN=… redscope slowlog --command keys
// The token is sent as a bearer header and never printed (not even in errors).
import type { Command } from 'commander';

export interface ApiClientOptions {
  api: string;
  token?: string;
  /** For tests: where tables go. */
  out?: (line: string) => void;
  fetch?: typeof fetch;
}

export class ApiClientError extends Error {
  override name = 'ApiClientError';
}

/** Rows as an aligned text table; numbers right-aligned. */
export function formatTable(rows: ReadonlyArray<Record<string, string | number>>): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => (v === undefined ? '' : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: Array<string | number | undefined>, header = false) =>
    vals
      .map((v, i) => (typeof v === 'number' && !header ? cell(v).padStart(width[i]!) : cell(v).padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(cols, true),
    width.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(cols.map((c) => r[c]))),
  ].join('\n');
}

const round = (x: number | null | undefined, digits = 1) => (x == null ? '-' : Number(x.toFixed(digits)));

export function apiGet<T>(
  opts: ApiClientOptions,
  path: string,
  query: Record<string, string | number | undefined>,
): Promise<T> {
  return apiRequest<T>(opts, 'GET', path, query);
}

/** One API call; the body (if any) as JSON. Errors name the path and status, never the token. */
export async function apiRequest<T>(
  opts: ApiClientOptions,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  query: Record<string, string | number | undefined> = {},
  payload?: unknown,
): Promise<T> {
  const url = new URL(path, opts.api.endsWith('/') ? opts.api : `${opts.api}/`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method,
      headers,
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });
  } catch (err) {
    throw new ApiClientError(`cannot reach the API at ${url.origin}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiClientError(`${url.pathname}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) {
    const message = (body as { message?: string }).message ?? text.slice(0, 200);
    const hint =
      res.status === 401
        ? ' (set --token or REDSCOPE_API_TOKEN)'
        : res.status === 403
          ? ' (this needs a token with admin scope)'
          : '';
    throw new ApiClientError(`${url.pathname}: HTTP ${res.status}: ${message}${hint}`);
  }
  return body as T;
}

/** The cluster given, else the only (or first) cluster the API knows. */
async function clusterOf(opts: ApiClientOptions, given: string | undefined): Promise<string> {
  if (given) return given;
  const list = await apiGet<{ items: Array<{ name: string }> }>(opts, 'v1/clusters', { limit: 100 });
  if (list.items.length === 0) throw new ApiClientError('the API knows no cluster yet (is the collector running?)');
  return list.items[0]!.name;
}

interface Bounds {
  lowerUs: number;
  upperUs: number;
}

interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  bounds: { p99: Bounds | null };
}

interface CommandLatency extends Percentiles {
  command: string;
  callsPerSec: number;
  usecPerCall: number;
  basis: 'calls' | 'sample-means' | 'none';
}

const bucket = (b: Bounds | null | undefined) => (b ? `${b.lowerUs}–${b.upperUs}` : '-');

const BASIS_NOTE =
  'µs: per-call execution time inside Redis (LATENCY HISTOGRAM), percentiles interpolated inside power-of-two buckets (p99 bucket shown)';

export async function latencyCommand(
  opts: ApiClientOptions,
  args: {
    cluster?: string;
    instance?: string;
    command?: string;
    from?: string;
    to?: string;
    order?: string;
    limit?: number;
    tail?: boolean;
    instances?: boolean;
  },
): Promise<string> {
  const cluster = await clusterOf(opts, args.cluster);
  const base = `v1/clusters/${encodeURIComponent(cluster)}/latency`;
  const range = (from: number, to: number, tiers: string[]) =>
    `${new Date(from * 1000).toISOString()} → ${new Date(to * 1000).toISOString()} (${tiers.join('+')})`;
  if (args.tail) return tailTable(opts, base, cluster, args, range);
  if (args.instances) return instancesTable(opts, base, cluster, args, range);
  const r = await apiGet<{ from: number; to: number; tiers: string[]; items: CommandLatency[] }>(
    opts,
    `${base}/commands`,
    {
      instance: args.instance,
      command: args.command,
      from: args.from,
      to: args.to,
      order: args.order,
      limit: args.limit,
    },
  );
  const means = r.items.some((c) => c.basis === 'sample-means');
  const title = `${cluster}${args.instance ? ` ${args.instance}` : ''}, ${range(r.from, r.to, r.tiers)}; ${BASIS_NOTE}`;
  const rows = r.items.map((c) => ({
    command: c.basis === 'sample-means' ? `${c.command}*` : c.command,
    'calls/s': round(c.callsPerSec),
    'µs/call': round(c.usecPerCall, 2),
    p50: round(c.p50, 2),
    p90: round(c.p90, 2),
    p99: round(c.p99, 2),
    'p99.9': round(c.p999, 2),
    'p99 bucket': bucket(c.bounds.p99),
  }));
  const note = means
    ? '\n* no LATENCY HISTOGRAM on these servers (Redis < 7): percentiles of per-sample mean latency, which hide rare slow calls'
    : '';
  return `${title}\n${formatTable(rows)}${note}`;
}

type Range = (from: number, to: number, tiers: string[]) => string;

async function tailTable(
  opts: ApiClientOptions,
  base: string,
  cluster: string,
  args: { command?: string; from?: string; to?: string; limit?: number },
  range: Range,
): Promise<string> {
  const r = await apiGet<{
    from: number;
    to: number;
    tiers: string[];
    p99: number | null;
    tailBucket: Bounds | null;
    tailCalls: number;
    items: Array<{
      instance: string;
      calls: number;
      tailCalls: number;
      tailShare: number;
      tailFraction: number;
      p99: number | null;
    }>;
  }>(opts, `${base}/tail`, { command: args.command, from: args.from, to: args.to, limit: args.limit });
  const title = `${cluster} ${args.command ?? 'all commands'}, ${range(r.from, r.to, r.tiers)}: cluster p99 ${round(r.p99, 2)} µs, tail = calls in ${bucket(r.tailBucket)} µs or slower (${r.tailCalls})`;
  const rows = r.items.map((i) => ({
    instance: i.instance,
    calls: i.calls,
    'tail calls': i.tailCalls,
    'share of tail': `${round(i.tailShare * 100)} %`,
    'of its calls': `${round(i.tailFraction * 100, 2)} %`,
    'p99 µs': round(i.p99, 2),
  }));
  return `${title}\n${formatTable(rows)}`;
}

async function instancesTable(
  opts: ApiClientOptions,
  base: string,
  cluster: string,
  args: { instance?: string; command?: string; from?: string; to?: string },
  range: Range,
): Promise<string> {
  const r = await apiGet<{
    from: number;
    to: number;
    tiers: string[];
    items: Array<{
      instance: string;
      execution: Percentiles & { calls: number; usecPerCall: number | null };
      roundTrip: Percentiles & { pings: number; meanUs: number | null };
    }>;
  }>(opts, `${base}/instances`, { instance: args.instance, command: args.command, from: args.from, to: args.to });
  const title = `${cluster} ${args.command ?? 'all commands'}, ${range(r.from, r.to, r.tiers)}: execution inside Redis beside the PING round trip (network + queueing), µs`;
  const rows = r.items.map((i) => ({
    instance: i.instance,
    'exec p50': round(i.execution.p50, 2),
    'exec p99': round(i.execution.p99, 2),
    'exec µs/call': round(i.execution.usecPerCall, 2),
    'ping p50': round(i.roundTrip.p50, 1),
    'ping p99': round(i.roundTrip.p99, 1),
  }));
  return `${title}\n${formatTable(rows)}`;
}

interface SlowEntry {
  ts: number;
  instance: string;
  durationUs: number;
  command: string;
  args: string[];
  clientAddr: string;
  clientName: string;
}

export async function slowlogCommand(
  opts: ApiClientOptions,
  args: {
    cluster?: string;
    instance?: string;
    command?: string;
    client?: string;
    from?: string;
    to?: string;
    limit?: number;
    patterns?: boolean;
  },
): Promise<string> {
  const cluster = await clusterOf(opts, args.cluster);
  const filter = { instance: args.instance, command: args.command, client: args.client, from: args.from, to: args.to };
  if (args.patterns) {
    const r = await apiGet<{
      items: Array<{ pattern: string; entries: number; totalUs: number; maxUs: number; avgUs: number }>;
    }>(opts, `v1/clusters/${encodeURIComponent(cluster)}/slowlog/patterns`, { ...filter, limit: args.limit });
    return formatTable(
      r.items.map((p) => ({
        pattern: p.pattern,
        entries: p.entries,
        'total ms': round(p.totalUs / 1000),
        'avg ms': round(p.avgUs / 1000, 2),
        'max ms': round(p.maxUs / 1000, 2),
      })),
    );
  }
  const r = await apiGet<{ items: SlowEntry[] }>(opts, `v1/clusters/${encodeURIComponent(cluster)}/slowlog`, {
    ...filter,
    limit: args.limit ?? 50,
  });
  return formatTable(
    r.items.map((e) => ({
      time: new Date(e.ts * 1000).toISOString().replace('.000Z', 'Z'),
      instance: e.instance,
      ms: round(e.durationUs / 1000, 2),
      command: `${e.command} ${e.args.join(' ')}`.slice(0, 80),
      client: e.clientName ? `${e.clientName} (${e.clientAddr})` : e.clientAddr,
    })),
  );
}

interface BigKey {
  instance: string;
  key: string;
  type: string;
  bytes: number;
  length: number;
  ttlMs: number;
}

export async function bigkeysCommand(
  opts: ApiClientOptions,
  args: { cluster?: string; instance?: string; by?: string; limit?: number },
): Promise<string> {
  const cluster = await clusterOf(opts, args.cluster);
  const r = await apiGet<{ items: BigKey[] }>(opts, `v1/clusters/${encodeURIComponent(cluster)}/keys/big`, {
    instance: args.instance,
    by: args.by,
    limit: args.limit ?? 20,
  });
  return formatTable(
    r.items.map((k) => ({
      key: k.key.slice(0, 80),
      type: k.type,
      bytes: k.bytes,
      length: k.length,
      ttl: k.ttlMs < 0 ? 'none' : `${Math.round(k.ttlMs / 1000)} s`,
      instance: k.instance,
    })),
  );
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new ApiClientError(`--limit: expected a positive whole number, got ${JSON.stringify(v)}`);
  return n;
};

/** Adds `latency`, `slowlog` and `bigkeys` to the redscope CLI. */
export function registerApiClientCommands(
  program: Command,
  io: { out?: (s: string) => void; fetch?: typeof fetch } = {},
): void {
  const out = io.out ?? ((s: string) => console.log(s));
  const withApi = (cmd: Command) =>
    cmd
      .option(
        '--api <url>',
        'API address (env REDSCOPE_API_URL)',
        process.env.REDSCOPE_API_URL ?? 'http://127.0.0.1:8080',
      )
      .option('--token <token>', 'read token (env REDSCOPE_API_TOKEN)')
      .option('--cluster <name>', 'cluster (default: the first the API knows)')
      .option('--instance <host:port>', 'one instance only');
  const clientOf = (o: { api: string; token?: string }): ApiClientOptions => ({
    api: o.api,
    token: o.token ?? process.env.REDSCOPE_API_TOKEN,
    fetch: io.fetch,
  });
  const run = (fn: () => Promise<string>) =>
    fn().then(out, (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });

  withApi(
    program
      .command('latency')
      .description('slowest commands over a time range: calls/s, mean µs/call, per-call p50–p99.9 (LATENCY HISTOGRAM)'),
  )
    .option('--command <names>', 'comma-separated commands')
    .option('--tail', "who makes the tail: instances ranked by their calls in the cluster's p99 bucket or slower")
    .option('--instances', 'per instance: execution inside Redis beside the PING round trip')
    .option('--from <time>', 'ISO 8601 or unix seconds (default: 1 h ago)')
    .option('--to <time>', 'ISO 8601 or unix seconds (default: now)')
    .option('--order <by>', 'usec_per_call, p50, p90, p99, p999, calls or total_usec', 'usec_per_call')
    .option('--limit <n>', 'rows', positive, 10)
    .action((o) => run(() => latencyCommand(clientOf(o), o)));

  withApi(program.command('slowlog').description('slow commands (or, with --patterns, the costliest patterns)'))
    .option('--command <name>', 'one command')
    .option('--client <addr|name>', 'client ip, ip:port or name')
    .option('--from <time>', 'ISO 8601 or unix seconds (default: 24 h ago)')
    .option('--to <time>', 'ISO 8601 or unix seconds (default: now)')
    .option('--patterns', 'group by normalised arguments')
    .option('--limit <n>', 'rows', positive)
    .action((o) => run(() => slowlogCommand(clientOf(o), o)));

  withApi(program.command('bigkeys').description('biggest keys from the latest keyspace scans'))
    .option('--by <what>', 'bytes or length', 'bytes')
    .option('--limit <n>', 'rows', positive, 20)
    .action((o) => run(() => bigkeysCommand(clientOf(o), o)));
}
