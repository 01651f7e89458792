// `redscope silence add | list | expire`, over the API's /v1/silences (add and expire
// need an admin token):
//   redscope silence add --cluster orders --rule failover --for 2h --comment "upgrade"
//   redscope silence add --match 'instance=~10\.0\.0\.1:.*' --until 2026-11-25T18:00:00Z --comment "host maintenance"
//   redscope silence list [--expired]
//   redscope silence expire <id>
import type { Command } from 'commander';
import { formatMatcher, parseMatcher, type SilenceMatcher, type SilenceV1 } from '../contracts/index.ts';
import { ApiClientError, apiRequest, formatTable, type ApiClientOptions } from './api-client.ts';

type Listed = SilenceV1 & { state: string };

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `30m`, `2h`, `1d`, `1h30m` → milliseconds. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)\s*([smhdw])/g)];
  const total = parts.reduce((ms, [, n, u]) => ms + Number(n) * UNITS[u!]!, 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.replace(/\s+/g, '') || total <= 0)
    throw new ApiClientError(`--for ${JSON.stringify(text)}: expected a duration such as 90s, 30m, 2h, 1d or 1h30m`);
  return total;
}

export interface AddOptions {
  cluster?: string;
  rule?: string;
  instance?: string;
  severity?: string;
  match?: string[];
  for?: string;
  until?: string;
  startsAt?: string;
  comment: string;
}

export function matchersOf(o: AddOptions): SilenceMatcher[] {
  const matchers: SilenceMatcher[] = [];
  for (const name of ['cluster', 'rule', 'instance', 'severity'] as const) {
    const value = o[name];
    if (value !== undefined) matchers.push({ name, op: '=', value });
  }
  for (const m of o.match ?? []) {
    try {
      matchers.push(parseMatcher(m));
    } catch (err) {
      throw new ApiClientError(`--match ${(err as Error).message}`);
    }
  }
  if (matchers.length === 0)
    throw new ApiClientError('say what to silence: --cluster, --rule, --instance, --severity or --match name=value');
  return matchers;
}

const when = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function table(items: Listed[]): string {
  return formatTable(
    items.map((s) => ({
      id: s.id,
      state: s.state,
      matchers: s.matchers.map(formatMatcher).join(' '),
      starts: when(s.startsAtMs),
      ends: when(s.endsAtMs),
      by: s.createdBy,
      comment: s.comment,
    })),
  );
}

export async function addSilence(api: ApiClientOptions, o: AddOptions): Promise<string> {
  if ((o.for === undefined) === (o.until === undefined)) throw new ApiClientError('give either --for or --until');
  const body = {
    matchers: matchersOf(o),
    comment: o.comment,
    ...(o.startsAt ? { startsAt: o.startsAt } : {}),
    ...(o.for !== undefined ? { durationMs: parseDuration(o.for) } : { endsAt: o.until }),
  };
  const s = await apiRequest<Listed>(api, 'POST', 'v1/silences', {}, body);
  return `silence ${s.id} ${s.state} until ${when(s.endsAtMs)}\n${table([s])}`;
}

export async function listSilences(api: ApiClientOptions, o: { expired?: boolean }): Promise<string> {
  const r = await apiRequest<{ items: Listed[] }>(api, 'GET', 'v1/silences', o.expired ? { expired: 'true' } : {});
  return r.items.length === 0 ? 'no silences' : table(r.items);
}

export async function expireSilence(api: ApiClientOptions, id: string): Promise<string> {
  const s = await apiRequest<Listed>(api, 'DELETE', `v1/silences/${encodeURIComponent(id)}`);
  return `silence ${s.id} expired at ${when(s.endsAtMs)}`;
}

export function registerSilenceCommands(
  program: Command,
  io: { out?: (s: string) => void; fetch?: typeof fetch } = {},
): void {
  const out = io.out ?? ((s: string) => console.log(s));
  const run = (fn: () => Promise<string>) =>
    fn().then(out, (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });
  const apiOf = (o: { api: string; token?: string }): ApiClientOptions => ({
    api: o.api,
    token: o.token ?? process.env.REDSCOPE_API_TOKEN,
    fetch: io.fetch,
  });
  const withApi = (cmd: Command) =>
    cmd
      .option(
        '--api <url>',
        'API address (env REDSCOPE_API_URL)',
        process.env.REDSCOPE_API_URL ?? 'http://127.0.0.1:8080',
      )
      .option('--token <token>', 'admin token for add and expire (env REDSCOPE_API_TOKEN)');
  const silence = program
    .command('silence')
    .description('silence alerts for a while (planned failovers, maintenance): add, list, expire');
  withApi(silence.command('add').description('matching alerts are recorded but not sent until it ends'))
    .option('--cluster <name>', 'cluster=NAME')
    .option('--rule <name>', 'rule=NAME (failover, instance-down, …)')
    .option('--instance <host:port>', 'instance=HOST:PORT')
    .option('--severity <level>', 'severity=info|warning|critical')
    .option(
      '--match <matcher>',
      'more matchers: name=value, name!=value, name=~regex, name!~regex (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--for <duration>', 'how long: 90s, 30m, 2h, 1d')
    .option('--until <time>', 'or until when: ISO 8601 or unix seconds')
    .option('--starts-at <time>', 'start later (ISO 8601 or unix seconds); default now')
    .requiredOption('--comment <text>', 'why (shown with every silenced alert)')
    .action((o) => run(() => addSilence(apiOf(o), o)));
  withApi(silence.command('list').description('open silences (active and pending)'))
    .option('--expired', 'also those expired in the last 7 days')
    .action((o) => run(() => listSilences(apiOf(o), o)));
  withApi(
    silence.command('expire').description('end a silence now').argument('<id>', 'the silence id (from list)'),
  ).action((id: string, o) => run(() => expireSilence(apiOf(o), id)));
}
