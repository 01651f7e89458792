// A short MONITOR window on a dedicated connection, closed afterwards. MONITOR makes the
// server format every command it executes for us, so the window is off by default and
// bounded twice: by duration and by bytes read (whichever comes first).
// A raw socket rather than ioredis's monitor(): the byte cap must count what the server
// actually sends, and the connection must be gone the moment the window ends.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { errorMessage } from '../../../common/errors.ts';
import { keyPattern } from '../keyspace/key-pattern.ts';
import { TopN } from '../keyspace/top-n.ts';
import { keysOfCommand, parseMonitorLine } from './monitor-parse.ts';

export interface MonitorEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: boolean;
}

export interface MonitorResult {
  keys: Array<{ key: string; pattern: string; commands: number }>;
  commandsSeen: number;
  bytesSeen: number;
  windowMs: number;
  /** True when the byte cap ended the window early. */
  truncated: boolean;
}

export class MonitorWindowError extends Error {
  override name = 'MonitorWindowError';
}

/** Distinct keys counted at most; beyond it new keys are ignored (the hot ones are already in). */
const MAX_DISTINCT_KEYS = 100_000;

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

export function monitorWindow(
  ep: MonitorEndpoint,
  opts: { durationMs: number; maxBytes: number; topN: number },
): Promise<MonitorResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const counts = new Map<string, number>();
    let commandsSeen = 0;
    let bytesSeen = 0;
    let truncated = false;
    let monitoring = false;
    let pending = '';
    let settled = false;
    let oks = 0;
    let windowTimer: NodeJS.Timeout | undefined;
    const socket: Socket = ep.tls
      ? tlsConnect({ host: ep.host, port: ep.port, servername: ep.host })
      : netConnect({ host: ep.host, port: ep.port });
    // Backstop: connecting and starting MONITOR may take at most 2 s on top of the window.
    const timer = setTimeout(
      () =>
        finish(
          monitoring ? undefined : new MonitorWindowError(`MONITOR on ${ep.host}:${ep.port}: not started within 2 s`),
        ),
      opts.durationMs + 2000,
    );

    function finish(err?: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(windowTimer);
      socket.destroy();
      if (err) return reject(err);
      const top = new TopN<{ key: string; pattern: string; commands: number }>(opts.topN);
      for (const [key, n] of counts) if (n > top.floor) top.offer(n, { key, pattern: keyPattern(key), commands: n });
      resolve({ keys: top.sorted(), commandsSeen, bytesSeen, windowMs: Date.now() - started, truncated });
    }
    socket.setNoDelay(true);
    socket.once('connect', () => {
      const auth = ep.password ? resp(ep.username ? ['AUTH', ep.username, ep.password] : ['AUTH', ep.password]) : '';
      socket.write(auth + resp(['MONITOR']));
    });
    socket.on('error', (err) =>
      finish(new MonitorWindowError(`MONITOR on ${ep.host}:${ep.port}: ${errorMessage(err)}`)),
    );
    socket.on('close', () =>
      finish(
        monitoring
          ? undefined
          : new MonitorWindowError(`MONITOR on ${ep.host}:${ep.port}: connection closed before the window started`),
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      if (monitoring) bytesSeen += chunk.length;
      pending += chunk.toString('latin1');
      for (let nl = pending.indexOf('\r\n'); nl >= 0; nl = pending.indexOf('\r\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 2);
        if (!monitoring) {
          // Replies to AUTH and MONITOR; the first error (bad password, MONITOR denied by ACL) ends it.
          if (line.startsWith('-'))
            return finish(new MonitorWindowError(`MONITOR on ${ep.host}:${ep.port} refused: ${line.slice(1, 200)}`));
          // AUTH (when a password is set) and MONITOR each answer +OK, in order.
          if (line === '+OK' && ++oks === (ep.password ? 2 : 1)) start();
          continue;
        }
        // MONITOR output is the server's text; keys are bytes: latin1 keeps them intact, utf8 decodes them.
        const entry = parseMonitorLine(Buffer.from(line, 'latin1').toString('utf8'));
        if (!entry) continue;
        commandsSeen++;
        for (const key of keysOfCommand(entry.args)) {
          const n = counts.get(key);
          if (n !== undefined) counts.set(key, n + 1);
          else if (counts.size < MAX_DISTINCT_KEYS) counts.set(key, 1);
        }
      }
      if (monitoring && bytesSeen >= opts.maxBytes) {
        truncated = true;
        finish();
      }
    });
    function start() {
      monitoring = true;
      windowTimer = setTimeout(() => finish(), opts.durationMs);
    }
  });
}
