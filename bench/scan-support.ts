// Helpers of bench/scan.ts: a private redis-server, the dataset, and a GET load
// (redis-benchmark in loop mode) whose per-chunk results are assigned to phases.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export async function freePortFrom(start: number): Promise<number> {
  for (let port = start; port < start + 100; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${start}–${start + 99}`);
}

export interface BenchServer {
  port: number;
  redis: Redis;
  version: string;
  stop(): Promise<void>;
}

export async function startBenchServer(port: number, dir: string): Promise<BenchServer> {
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--enable-debug-command',
      'local',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 100,
  });
  redis.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (redis.status === 'wait') await redis.connect();
      await redis.ping();
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`bench redis-server on ${port} did not start: ${String(err)}`);
      await sleep(100);
    }
  }
  const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  return {
    port,
    redis,
    version,
    async stop() {
      redis.disconnect();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** 1,000,000 64-byte strings (DEBUG POPULATE) + 20 hashes of 50,000 fields: 1,000,020 keys. */
export async function populate(redis: Redis): Promise<number> {
  await redis.call('DEBUG', 'POPULATE', 1_000_000, 'key', 64);
  const script = `
    for i = 1, 50000, 1000 do
      local args = {}
      for j = i, i + 999 do args[#args + 1] = 'field' .. j; args[#args + 1] = 'value' .. j end
      redis.call('HSET', KEYS[1], unpack(args))
    end
    return 1`;
  for (let h = 1; h <= 20; h++) await redis.eval(script, 1, `bighash:${h}`);
  return Number(await redis.dbsize());
}

interface Chunk {
  startMs: number;
  endMs: number;
  rps: number;
  p99Ms: number;
}

export interface LoadFigures {
  chunks: number;
  rps: number;
  p99Ms: number;
  p99MaxMs: number;
}

/**
 * `redis-benchmark -t get -c 50 -n <chunk> -l --csv`: one CSV line per chunk of requests,
 * time-stamped on arrival. A phase's figures come from the chunks that ran entirely inside it.
 */
export class GetLoad {
  private readonly chunks: Chunk[] = [];
  private child: ChildProcess | null = null;

  constructor(
    private readonly port: number,
    private readonly requestsPerChunk = 10_000,
  ) {}

  start(): void {
    // stdbuf: redis-benchmark writes to a pipe, which libc would otherwise buffer in 4 KiB blocks.
    this.child = spawn(
      'stdbuf',
      [
        '-oL',
        'redis-benchmark',
        '-h',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-t',
        'get',
        '-c',
        '50',
        '-n',
        String(this.requestsPerChunk),
        '-l',
        '--csv',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let pending = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const f = line.split(',').map((s) => s.replaceAll('"', ''));
        if (f[0] !== 'GET') continue;
        const rps = Number(f[1]);
        const endMs = Date.now();
        this.chunks.push({ startMs: endMs - (this.requestsPerChunk / rps) * 1000, endMs, rps, p99Ms: Number(f[6]) });
      }
    });
  }

  /**
   * Figures of the chunks whose midpoint falls inside [fromMs, toMs]. When the phase is
   * shorter than one chunk (GETs slowed down so much that a chunk outlasted it), the chunk
   * overlapping it most stands in.
   */
  figures(fromMs: number, toMs: number): LoadFigures {
    let inside = this.chunks.filter((c) => (c.startMs + c.endMs) / 2 >= fromMs && (c.startMs + c.endMs) / 2 <= toMs);
    if (inside.length === 0) {
      const overlap = (c: Chunk) => Math.min(c.endMs, toMs) - Math.max(c.startMs, fromMs);
      const best = [...this.chunks].sort((a, b) => overlap(b) - overlap(a))[0];
      inside = best && overlap(best) > 0 ? [best] : [];
    }
    const p99s = inside.map((c) => c.p99Ms).sort((a, b) => a - b);
    return {
      chunks: inside.length,
      rps: inside.length ? Math.round(inside.reduce((s, c) => s + c.rps, 0) / inside.length) : NaN,
      p99Ms: p99s.length ? p99s[Math.floor(p99s.length / 2)]! : NaN,
      p99MaxMs: p99s.length ? p99s.at(-1)! : NaN,
    };
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
}

export async function timed(fn: () => Promise<unknown>): Promise<{ startMs: number; endMs: number; wallMs: number }> {
  const startMs = Date.now();
  await fn();
  const endMs = Date.now();
  return { startMs, endMs, wallMs: endMs - startMs };
}

export function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}
