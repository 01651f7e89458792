// The developer CLI (`latency`, `slowlog`, `bigkeys`) against a real API over HTTP.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import {
  bigkeysCommand,
  formatTable,
  latencyCommand,
  registerApiClientCommands,
  slowlogCommand,
} from '../cli/api-client.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { keyspaceRows } from '../stream/rows/keyspace-rows.ts';
import { slowlogRows } from '../stream/rows/slowlog-rows.ts';
import { dropDatabase, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
const clickhouse = createClickHouse(config.clickhouse);
const TOKEN = 'cli-token-2b7e151628aed2a6';
const app = buildApp({ clickhouse, database: db, tokens: [{ name: 'cli', token: TOKEN, scope: 'read' }] });
const cluster = uniqueName('cli');
const now = Math.floor(Date.now() / 1000);
let api = '';

beforeAll(async () => {
  await migrate(clickhouse, db);
  const insert = async (table: string, values: Record<string, unknown>[]) =>
    clickhouse.insert({ table: identifier(`${db}.${table}`).text, values, format: 'JSONEachRow' });
  await insert(
    'info_samples',
    Array.from(
      { length: 6 },
      (_, i) =>
        infoRows(
          { ...syntheticInfo(cluster, i), ts: (now - 100 + i) * 1000 },
          { topic: 't', partition: 0, offset: i },
        ).get('info_samples')![0]!,
    ),
  );
  const entry = {
    id: 1,
    loggedAtS: now - 50,
    durationUs: 1_500_000,
    command: 'keys',
    args: ['*'],
    argCount: 2,
    argsTruncated: false,
    clientAddr: '10.3.3.3:999',
    clientName: 'cron',
  };
  await insert(
    'slowlog',
    slowlogRows(
      {
        v: 1,
        kind: 'slowlog',
        ts: now * 1000,
        instance: { id: '10.0.0.1:7000', host: 'h', port: 7000, cluster },
        collector: 't',
        runId: 'r',
        entries: [entry],
        reset: false,
        missed: 0,
      },
      { topic: 't', partition: 0, offset: 1 },
    ).get('slowlog')!,
  );
  const scan = keyspaceRows(
    {
      v: 1,
      kind: 'keyspace',
      ts: (now - 60) * 1000,
      instance: { id: '10.0.0.1:7000', host: 'h', port: 7000, cluster },
      scannedOn: { id: '10.0.0.1:7000', role: 'master' },
      collector: 't',
      patterns: [],
      topKeysByBytes: [
        { key: 'queue:jobs', pattern: 'queue:jobs', type: 'list', bytes: 52_428_800, length: 400_000, ttlMs: -1 },
      ],
      topKeysByLength: [],
      stats: {
        keysScanned: 1,
        dbsizeAtStart: 1,
        vanished: 0,
        durationMs: 1,
        pausedMs: 0,
        mode: 'lua',
        batches: 1,
        probeBaselineUs: 1,
        probeMaxUs: 1,
        keysPerSecond: 0,
        ttlRead: true,
      },
    },
    { topic: 't', partition: 0, offset: 2 },
  );
  await insert('big_keys', scan.get('big_keys')!);
  api = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

describe('redscope latency / slowlog / bigkeys', () => {
  const opts = () => ({ api, token: TOKEN });

  it('latency prints the slowest commands as a table', async () => {
    const out = await latencyCommand(opts(), { cluster, from: String(now - 600) });
    expect(out).toMatch(new RegExp(`^${cluster}, `));
    expect(out).toMatch(/command\s+calls\/s\s+µs\/call\s+p50\s+p90\s+p99\s+p99\.9\s+p99 bucket/);
    expect(out).toMatch(/per-call execution time inside Redis/);
    expect(
      out
        .split('\n')
        .slice(3)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['set', 'get']);
  });

  it('latency --tail ranks instances by their calls in the p99 bucket; --instances puts execution beside PING', async () => {
    const tail = await latencyCommand(opts(), { cluster, command: 'set', from: String(now - 600), tail: true });
    expect(tail).toMatch(/cluster p99 .* µs, tail = calls in \d+–\d+ µs or slower/);
    expect(tail).toMatch(/instance\s+calls\s+tail calls\s+share of tail/);
    const sides = await latencyCommand(opts(), { cluster, from: String(now - 600), instances: true });
    expect(sides).toMatch(/instance\s+exec p50\s+exec p99\s+exec µs\/call\s+ping p50\s+ping p99/);
  });

  it('slowlog prints entries, and with --patterns the patterns', async () => {
    expect(await slowlogCommand(opts(), { cluster })).toMatch(/keys \*\s+cron \(10\.3\.3\.3:999\)/);
    expect(await slowlogCommand(opts(), { cluster, patterns: true })).toMatch(/keys \*\s+1\s+1500/);
  });

  it('bigkeys prints the biggest keys', async () => {
    expect(await bigkeysCommand(opts(), { cluster })).toMatch(/queue:jobs\s+list\s+52428800\s+400000\s+none/);
  });

  it('without a token: the API message and a hint, never a token', async () => {
    await expect(latencyCommand({ api }, { cluster })).rejects.toThrow(
      /HTTP 401: missing bearer token.*REDSCOPE_API_TOKEN/,
    );
    await expect(latencyCommand({ api, token: 'wrong-token-abcdefghij' }, { cluster })).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('wrong-token') }),
    );
  });

  it('registers the three verbs with --api, --token and env fallbacks', async () => {
    const lines: string[] = [];
    const program = new Command().exitOverride();
    registerApiClientCommands(program, { out: (s) => lines.push(s) });
    expect(program.commands.map((c) => c.name())).toEqual(['latency', 'slowlog', 'bigkeys']);
    await program.parseAsync(['node', 'redscope', 'bigkeys', '--api', api, '--token', TOKEN, '--cluster', cluster]);
    expect(lines.join('\n')).toMatch(/queue:jobs/);
  });

  it('formatTable aligns columns and right-aligns numbers', () => {
    expect(
      formatTable([
        { a: 'x', n: 5 },
        { a: 'long', n: 123 },
      ]),
    ).toBe('a     n\n----  ---\nx       5\nlong  123');
  });
});
