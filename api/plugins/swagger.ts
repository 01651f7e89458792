// The OpenAPI 3 document, generated from the routes' TypeBox schemas (one schema is the
// validation, the TypeScript type and the docs), served as /v1/openapi.json and as a
// Swagger UI at /docs. Must be registered before the routes: it collects them as they are added.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export const API_DESCRIPTION = `Response-time analytics for Redis and Redis Cluster fleets, read from ClickHouse.

**Auth**: \`Authorization: Bearer <token>\` on every route except /v1/health, /v1/ready and the docs. \`read\` tokens may call every GET; \`admin\` tokens also /v1/admin/*.

**Time ranges**: \`from\`/\`to\` as ISO 8601 or unix seconds (default: the last 15 minutes), at most 31 days; \`step\` in seconds.

**Latency percentiles** (p50/p90/p99/p99.9) are of single calls' execution time inside Redis, from LATENCY HISTOGRAM (Redis ≥ 7, Valkey): per command, the calls per power-of-two bucket (0–1, 1–2, 2–4, 4–8, 8–16, 16–33, 33–66 µs, …, ≥ 0.54 s) are summed over instances and time — a cluster is the sum of its instances, never an average of percentiles — and a percentile is interpolated linearly inside the bucket holding its rank, as Prometheus's histogram_quantile() does. Each percentile comes with the bounds of its bucket (\`bounds\`): the true value lies in there. \`basis\` says what the figures are of: \`calls\`, or \`sample-means\` for servers without LATENCY HISTOGRAM (Redis < 7), whose percentiles are of per-sample mean latency (commandstats usec / calls), which hides rare slow calls. \`usecPerCall\` is the plain mean (commandstats). \`callsPerSec\` divides by the time the samples cover within the range (from the first to the last sample), not by the range asked for.

**Rollups**: a range of ≤ 1 h reads per-sample buckets (1 s, kept a day), ≤ 2 days the minute rollup, longer ranges the hour rollup; \`step\` is rounded up to a whole number of the rollup's buckets, and the range out to whole buckets. Summaries (top commands, compare, tail, instances) over more than 1 h read whole hours from the hour rollup and the partial hours at both ends from the minute rollup.

**Lists** are paginated: pass \`nextCursor\` back as \`cursor\` until it is null.`;

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: 'redscope API', version: '1.0.0', description: API_DESCRIPTION },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/v1/openapi.json', { schema: { hide: true }, config: { auth: 'open' } }, async () => app.swagger());
  },
  { name: 'swagger' },
);
