// The collector's own health over HTTP: GET /health answers 200 while Kafka delivery
// works and 503 when samples are piling up undelivered, with per-instance, per-sampler
// detail (last success, failures, overruns) and the queue's sent/dropped counts —
// what ops need to tell "Redis is fine" from "the collector is blind".
import { createServer, type Server } from 'node:http';
import type { Collector } from './collector.ts';
import type { KafkaSink } from './kafka-sink.ts';

/** No successful Kafka send for this long while samples wait: unhealthy. */
const STALE_DELIVERY_MS = 30_000;

export function healthReport(collector: Collector, sink: KafkaSink, now = Date.now()) {
  const s = sink.stats();
  const healthy = s.queued === 0 || (s.lastSentAt !== null && now - s.lastSentAt < STALE_DELIVERY_MS);
  const samplers = collector.health();
  return {
    status: healthy ? ('ok' as const) : ('kafka-unreachable' as const),
    instances: collector.instances().length,
    kafka: {
      queued: s.queued,
      sent: s.sent,
      dropped: s.dropped,
      spill: s.spill,
      lastSentAt: s.lastSentAt,
      lastError: s.lastError,
    },
    failingSamplers: samplers.filter((h) => h.lastError !== null).length,
    samplers: samplers.map((h) => ({ ...h, lagMs: h.lastSuccessAt === null ? null : now - h.lastSuccessAt })),
  };
}

export async function startHealthServer(
  collector: Collector,
  sink: KafkaSink,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found; try GET /health"}');
      return;
    }
    const report = healthReport(collector, sink);
    res
      .writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify(report));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as { port: number };
  return { url: `http://${host}:${address.port}`, close: () => new Promise((r) => server.close(() => r())) };
}
