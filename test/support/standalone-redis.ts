// A throwaway standalone redis-server owned by one test file: its own free port, its own
// data dir, stopped (by its pid) when the test is done. For tests that change server-wide
// settings (maxmemory-policy) or run MONITOR, so the shared cluster is left alone.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface StandaloneRedis {
  port: number;
  client(): Redis;
  /** Stops the server and starts a fresh one (new run_id, empty stats) on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startStandaloneRedis(name: string, args: string[] = []): Promise<StandaloneRedis> {
  const port = await freePort();
  const dir = join(process.cwd(), '.redscope', 'test-redis', `${name}-${port}`);
  mkdirSync(dir, { recursive: true });
  const start = (): ChildProcess =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
      { stdio: 'ignore' },
    );
  let child = start();
  const clients: Redis[] = [];
  const client = () => {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1 });
    r.on('error', () => {});
    clients.push(r);
    return r;
  };
  const probe = client();
  const ready = async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.ping();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start: ${String(err)}`);
        await sleep(100);
      }
    }
  };
  const halt = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  await ready();
  return {
    port,
    client,
    async restart() {
      await halt();
      child = start();
      await ready();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
