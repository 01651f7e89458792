// `npm run bench -- scan`: the keyspace scan against `redis-cli --memkeys` on a private
// redis-server holding 1,000,020 keys (1,000,000 64-byte strings + 20 hashes of 50,000
// fields), with `redis-benchmark -t get -c 50` running beside it the whole time.
// One run measures, side by side: the GET baseline (p99, throughput) before and after,
// --memkeys, a Lua memory-only reference (SCAN + MEMORY USAGE in EVAL, 1,000 keys per
// call), redscope's fastest setting (also with PTTL forced: this dataset has no TTLs, so
// the scan normally skips PTTL), its default setting, and its pipeline mode; the collector's
// CPU per key in each redscope phase; and, in process, the cost of mining key patterns
// against naming each key alone (bench/pattern-mining.ts).
// Goals: fastest ≤ 0.15x --memkeys; default: GET p99 ≤ 1.3x baseline and ≤ 0.5x --memkeys.
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { scanKeyspace, type ScanSettings } from '../collectors/samplers/keyspace/scanner.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultConfig } from '../common/config.ts';
import { measureMining } from './pattern-mining.ts';
import type { BenchResult } from './run.ts';
import { freePortFrom, GetLoad, populate, run, startBenchServer, timed, type LoadFigures } from './scan-support.ts';

const GAP_MS = 1500;
const BASELINE_MS = 6000;

const MEMORY_ONLY_LUA = `
local res = redis.call('SCAN', ARGV[1], 'COUNT', 1000)
local out = {}
for i, k in ipairs(res[2]) do out[i] = redis.call('MEMORY', 'USAGE', k) or 0 end
return {res[1], #out}`;

async function luaMemoryOnly(redis: Redis): Promise<number> {
  let cursor = '0';
  let keys = 0;
  do {
    const [next, n] = (await redis.eval(MEMORY_ONLY_LUA, 0, cursor)) as [string, number];
    cursor = next;
    keys += n;
  } while (cursor !== '0');
  return keys;
}

function settings(over: Partial<ScanSettings>): ScanSettings {
  const k = defaultConfig().collector.keyspace;
  return {
    mode: k.mode,
    batchKeys: k.batchKeys,
    keysPerSecond: k.keysPerSecond,
    latencyGuard: k.latencyGuard,
    topN: k.topN,
    maxPatterns: k.maxPatterns,
    withFreq: false,
    progressEveryMs: 3_600_000,
    ...over,
  };
}

/** Collector CPU (user + system) per key of each redscope scan phase, by phase name. */
const cpuPerKeyUs: Record<string, number> = {};

async function redscopeScan(port: number, s: ScanSettings, phase: string): Promise<number> {
  const scan = new Redis({ port, host: '127.0.0.1' });
  const probe = new Redis({ port, host: '127.0.0.1' });
  try {
    const cpu = process.cpuUsage();
    const out = await scanKeyspace({ scan, probe }, s);
    const used = process.cpuUsage(cpu);
    cpuPerKeyUs[phase] = round((used.user + used.system) / Math.max(1, out.stats.keysScanned), 3);
    return out.stats.keysScanned;
  } finally {
    scan.disconnect();
    probe.disconnect();
  }
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export default async function scanBench(): Promise<BenchResult> {
  const port = await freePortFrom(7100);
  const dir = fileURLToPath(new URL(`../.redscope/bench/scan-${port}/`, import.meta.url));
  const server = await startBenchServer(port, dir);
  const load = new GetLoad(port);
  const loadAvgStart = loadavg();
  try {
    console.log(`redis-server ${server.version} on ${port}: populating…`);
    const keys = await populate(server.redis);
    console.log(`${keys} keys; GET load starting (redis-benchmark -t get -c 50)`);
    load.start();
    await sleep(2000);

    const phase = async (name: string, fn: () => Promise<unknown>) => {
      console.log(`phase: ${name}`);
      const t = await timed(fn);
      await sleep(GAP_MS);
      return { ...t, load: load.figures(t.startMs, t.endMs) };
    };
    const before = await phase('baseline (before)', () => sleep(BASELINE_MS));
    const memkeys = await phase('redis-cli --memkeys', () =>
      run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--memkeys']),
    );
    const luaRef = await phase('Lua memory-only reference', () => luaMemoryOnly(server.redis));
    const fastestSettings = settings({
      batchKeys: 20_000,
      keysPerSecond: 0,
      latencyGuard: { ...settings({}).latencyGuard, enabled: false },
    });
    const fastest = await phase('redscope fastest (lua, 20,000-key batches in 500-key chunks, unlimited)', () =>
      redscopeScan(port, fastestSettings, 'fastest'),
    );
    const fastestTtl = await phase('redscope fastest, PTTL read for every key', () =>
      redscopeScan(port, { ...fastestSettings, alwaysReadTtl: true }, 'fastestPttlForced'),
    );
    const defaults = settings({});
    const dflt = await phase(
      `redscope default (lua, ${defaults.batchKeys}-key batches, ${defaults.keysPerSecond} keys/s, guard on)`,
      () => redscopeScan(port, defaults, 'default'),
    );
    const pipeline = await phase('redscope pipeline mode (1,000-key batches, unlimited)', () =>
      redscopeScan(
        port,
        settings({
          mode: 'pipeline',
          batchKeys: 1000,
          keysPerSecond: 0,
          latencyGuard: { ...defaults.latencyGuard, enabled: false },
        }),
        'pipeline',
      ),
    );
    const after = await phase('baseline (after)', () => sleep(BASELINE_MS));

    const baseline: LoadFigures = (() => {
      const both = load.figures(before.startMs, after.endMs);
      const b = [before.load, after.load].filter((f) => f.chunks > 0);
      return {
        chunks: b.reduce((s, f) => s + f.chunks, 0),
        rps: Math.round(b.reduce((s, f) => s + f.rps, 0) / b.length),
        p99Ms: round(b.reduce((s, f) => s + f.p99Ms, 0) / b.length, 3),
        p99MaxMs: Math.max(both.p99MaxMs, ...b.map((f) => f.p99MaxMs)),
      };
    })();
    const vsMemkeys = (ms: number) => ms / memkeys.wallMs;
    const p99Ratio = (f: LoadFigures) => f.p99Ms / baseline.p99Ms;
    const rpsChange = (f: LoadFigures) => f.rps / baseline.rps - 1;
    const row = (name: string, wallMs: number | null, f: LoadFigures, goal = '', cpu?: number) => ({
      phase: name,
      'collector CPU µs/key': cpu ?? '',
      'wall s': wallMs === null ? '' : round(wallMs / 1000),
      'x memkeys': wallMs === null ? '' : round(vsMemkeys(wallMs), 3),
      'GET p99 ms': f.p99Ms,
      'p99 max ms': f.p99MaxMs,
      'x base p99': round(p99Ratio(f)),
      'GET rps': f.rps,
      'Δ rps': `${Math.round(rpsChange(f) * 100)}%`,
      goal,
    });
    const fastestOk = vsMemkeys(fastest.wallMs) <= 0.15;
    const defaultP99Ok = p99Ratio(dflt.load) <= 1.3;
    const defaultWallOk = vsMemkeys(dflt.wallMs) <= 0.5;
    const table: Array<Record<string, string | number>> = [
      row('baseline (before + after)', null, baseline),
      row('redis-cli --memkeys', memkeys.wallMs, memkeys.load),
      row('Lua memory-only reference', luaRef.wallMs, luaRef.load),
      row('redscope fastest', fastest.wallMs, fastest.load, `≤ 0.15x memkeys ${mark(fastestOk)}`, cpuPerKeyUs.fastest),
      row('redscope fastest, PTTL forced', fastestTtl.wallMs, fastestTtl.load, '', cpuPerKeyUs.fastestPttlForced),
      row(
        'redscope default',
        dflt.wallMs,
        dflt.load,
        `p99 ≤ 1.3x ${mark(defaultP99Ok)}, ≤ 0.5x memkeys ${mark(defaultWallOk)}`,
        cpuPerKeyUs.default,
      ),
      row('redscope pipeline mode', pipeline.wallMs, pipeline.load, '', cpuPerKeyUs.pipeline),
    ];
    // The pattern miner's share of the collector's work, in process (bench/pattern-mining.ts).
    console.log('phase: key-pattern mining, in process (no server)');
    const mining = measureMining();
    for (const m of mining)
      table.push({
        phase: `naming keys: ${m.dataset}`,
        'collector CPU µs/key': round(m.minedNs / 1000, 3),
        'wall s': '',
        'x memkeys': '',
        'GET p99 ms': '',
        'p99 max ms': '',
        'x base p99': '',
        'GET rps': '',
        'Δ rps': '',
        goal: `${m.ratio}x per-key naming (${round(m.perKeyNs / 1000, 3)} µs); ${m.minedPatterns} patterns (per key: ${m.perKeyPatterns})`,
      });
    const phaseFigures = (p: { wallMs: number; load: LoadFigures }) => ({
      wallMs: p.wallMs,
      xMemkeys: round(vsMemkeys(p.wallMs), 3),
      get: p.load,
      p99VsBaseline: round(p99Ratio(p.load), 3),
      rpsChange: round(rpsChange(p.load), 3),
    });
    return {
      table,
      figures: {
        machine: { cpus: cpus().length, loadAvgStart, loadAvgEnd: loadavg() },
        redisVersion: server.version,
        keys,
        load: 'redis-benchmark -t get -c 50 -n 10000 -l --csv (p99 = median of the p99s of the 10,000-request chunks whose midpoint is in the phase)',
        baseline: { before: before.load, after: after.load, combined: baseline },
        memkeys: phaseFigures(memkeys),
        luaMemoryOnly: phaseFigures(luaRef),
        fastest: { settings: fastestSettings, ...phaseFigures(fastest) },
        fastestPttlForced: phaseFigures(fastestTtl),
        default: { settings: defaults, ...phaseFigures(dflt) },
        pipeline: phaseFigures(pipeline),
        collectorCpuPerKeyUs: cpuPerKeyUs,
        patternMining: mining,
        goals: {
          fastestWithin015xMemkeys: fastestOk,
          defaultP99Within13x: defaultP99Ok,
          defaultWithinHalfMemkeys: defaultWallOk,
        },
      },
    };
  } finally {
    await load.stop();
    await server.stop();
  }
}
