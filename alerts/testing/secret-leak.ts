// The one shared secret-leak check (Alertmanager's pattern): every notifier is sent
// through endpoints that fail in every way we know — an error page that echoes the
// request (URL, headers, body), a permanent 4xx that echoes it, a 200 with a chat error
// code that echoes it, an endpoint that never answers, a port nobody listens on — and
// no secret may appear in any log line, error, outcome or stored delivery record.
// Test support, used by alerts/notifiers/secret-leak.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capturingLogger, errorSurfaces } from '../../common/testing/leak.ts';
import type { NotificationV1 } from '../../contracts/index.ts';
import { deliver, deliveryRecord } from '../deliver-one.ts';
import type { ReceiverConfig } from '../types.ts';

export type FailureMode = 'echo-500' | 'echo-400' | 'echo-200-error-code' | 'no-answer' | 'not-listening';
export const FAILURE_MODES: readonly FailureMode[] = [
  'echo-500',
  'echo-400',
  'echo-200-error-code',
  'no-answer',
  'not-listening',
];

export interface LeakReport {
  mode: FailureMode;
  /** Everything that could leak, as text: log lines, the outcome, the record, a thrown error. */
  surfaces: string[];
  /** What the endpoint saw: proves the secret really was sent (and echoed back). */
  requestsSeen: string[];
}

function echo(req: IncomingMessage, body: string): string {
  return JSON.stringify({ url: req.url, headers: req.headers, body });
}

async function failingEndpoint(mode: FailureMode, seen: string[]): Promise<{ server: Server; port: number }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const text = echo(req, body);
      seen.push(text);
      if (mode === 'no-answer') return; // hold the connection until the client times out
      if (mode === 'echo-500') res.writeHead(500, { 'content-type': 'text/plain' }).end(`internal error for ${text}`);
      else if (mode === 'echo-400') res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad request ${text}`);
      else
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errcode: 310000, code: 19021, errmsg: `rejected ${text}`, msg: `rejected ${text}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  if (mode === 'not-listening') await new Promise<void>((resolve) => server.close(() => resolve()));
  return { server, port };
}

/**
 * Runs one receiver (built for the given port) through every failure mode and returns
 * what each exposed. The caller asserts that no secret occurs in any surface.
 */
export async function runThroughFailingEndpoints(
  receiverAt: (port: number) => ReceiverConfig,
  notification: (r: ReceiverConfig) => NotificationV1,
): Promise<LeakReport[]> {
  const reports: LeakReport[] = [];
  for (const mode of FAILURE_MODES) {
    const seen: string[] = [];
    const { server, port } = await failingEndpoint(mode, seen);
    // Plain pino without redaction paths: the code under test must not rely on them.
    const { log, lines } = capturingLogger();
    const receiver = receiverAt(port);
    const n = notification(receiver);
    const surfaces: string[] = [];
    try {
      const outcome = await deliver(n, receiver, {
        policy: { initialMs: 10, maxMs: 20 },
        timeoutMs: 300,
        maxAttempts: 2,
        log,
      });
      surfaces.push(JSON.stringify(outcome), JSON.stringify(deliveryRecord(n, receiver, outcome, Date.now())));
    } catch (err) {
      surfaces.push(...errorSurfaces(err));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    surfaces.push(...lines);
    reports.push({ mode, surfaces, requestsSeen: seen });
  }
  return reports;
}
