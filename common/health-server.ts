// GET /health over HTTP for a long-running process: 200 with the report while it is
// healthy, 503 with the same report when not. Each process builds its own report.
import { createServer, type Server } from 'node:http';
import { errorMessage } from './errors.ts';

export interface HealthReport {
  status: string;
  healthy: boolean;
}

export async function startHealthServer(
  report: () => Promise<HealthReport> | HealthReport,
  at: { host: string; port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found; try GET /health"}');
      return;
    }
    Promise.resolve()
      .then(report)
      .then(
        (r) => res.writeHead(r.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r)),
        (err) =>
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: 'error', healthy: false, error: errorMessage(err) })),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, resolve);
  });
  const address = server.address() as { port: number };
  return { url: `http://${at.host}:${address.port}`, close: () => new Promise((r) => server.close(() => r())) };
}
