// The API as a Fastify plugin: tests call `buildApp(...).inject()` without listening;
// server.ts only starts it. Plugins and routes are registered explicitly, in one list;
// the order matters: swagger before routes (it collects them), rate limit before auth
// (failed logins are counted too), both before routes (they hook each route as it is added).
import type { ClickHouseClient } from '@clickhouse/client';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ApiToken } from '../common/config-schema.ts';
import { handleError } from './errors.ts';
import { API_LIMITS } from './limits.ts';
import { BadRequestError } from './schemas/time-range.ts';
import authPlugin from './plugins/auth.ts';
import cachesPlugin, { DEFAULT_CACHE_TTLS, type CacheTtls } from './plugins/caches.ts';
import clickhousePlugin from './plugins/clickhouse.ts';
import rateLimitPlugin from './plugins/rate-limit.ts';
import swaggerPlugin from './plugins/swagger.ts';
import { TokenTable } from './plugins/tokens.ts';
import adminRoutes from './routes/admin/admin.ts';
import alertRoutes from './routes/alerts/events.ts';
import silenceRoutes from './routes/silences/silences.ts';
import inventoryRoutes from './routes/clusters/inventory.ts';
import topologyRoutes from './routes/clusters/topology.ts';
import freshnessRoutes from './routes/freshness.ts';
import healthRoutes from './routes/health.ts';
import instanceMetricsRoutes from './routes/instances/metrics.ts';
import bigKeyRoutes from './routes/keys/big.ts';
import hotKeyRoutes from './routes/keys/hot.ts';
import keyPatternRoutes from './routes/keys/patterns.ts';
import latencyCommandRoutes from './routes/latency/commands.ts';
import latencyInstanceRoutes from './routes/latency/instances.ts';
import latencySeriesRoutes from './routes/latency/series.ts';
import slowlogEntryRoutes from './routes/slowlog/entries.ts';
import slowlogPatternRoutes from './routes/slowlog/patterns.ts';

export interface AppOptions {
  clickhouse: ClickHouseClient;
  /** For silences, the API's only write (clickhouse.users.writer); default `clickhouse`. */
  clickhouseWriter?: ClickHouseClient;
  database: string;
  /** Fastify logger options (pino); false = silent. */
  logger?: FastifyServerOptions['logger'];
  /** None = auth off (every route open). */
  tokens?: readonly ApiToken[];
  /** Per token (or client IP without one). */
  rateLimitPerMinute?: number;
  cacheTtls?: Partial<CacheTtls>;
  /**
   * Behind a reverse proxy: which X-Forwarded-For hops to believe for the client IP (rate
   * limits per IP). true trusts any sender — then a client can pick its own IP; prefer the
   * proxies' addresses. Default false: the socket's address.
   */
  trustProxy?: boolean | number | string[];
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

/** Trust the nearest `n` proxies: the client is the address n hops back in X-Forwarded-For. */
const hops = (n: number) => (_address: string, hop: number) => hop < n;

export function buildApp(opts: AppOptions): FastifyInstance {
  const tokens = new TokenTable(opts.tokens ?? []);
  const app = Fastify({
    logger: opts.logger ?? false,
    // A hop count as a function: Fastify does the same with a number, but its types omit it.
    trustProxy: typeof opts.trustProxy === 'number' ? hops(opts.trustProxy) : (opts.trustProxy ?? false),
    bodyLimit: API_LIMITS.bodyBytes,
    // Under routerOptions: at the top level Fastify 5 warns it is deprecated (FSTDEP022) at every start.
    routerOptions: { maxParamLength: API_LIMITS.paramChars },
    requestTimeout: API_LIMITS.requestTimeoutMs,
    http: { maxHeaderSize: API_LIMITS.headerBytes },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(handleError);
  // Ajv's type coercion turns "1e309" into Infinity and lets it through `maximum`: catch it
  // here, naming the field, before a handler does arithmetic with it.
  app.addHook('preHandler', async (req) => {
    for (const source of [req.query, req.params] as unknown[]) {
      if (typeof source !== 'object' || source === null) continue;
      for (const [field, value] of Object.entries(source))
        if (typeof value === 'number' && !Number.isFinite(value))
          throw new BadRequestError(`${field}: must be a finite number`);
    }
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `no route ${req.method} ${req.url.split('?')[0]}; see /docs`,
    }),
  );

  app.register(clickhousePlugin, {
    clickhouse: opts.clickhouse,
    ...(opts.clickhouseWriter ? { clickhouseWriter: opts.clickhouseWriter } : {}),
    database: opts.database,
  });
  app.register(cachesPlugin, { ttls: { ...DEFAULT_CACHE_TTLS, ...opts.cacheTtls } });
  app.register(swaggerPlugin);
  app.register(rateLimitPlugin, { tokens, perMinute: opts.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE });
  app.register(authPlugin, { tokens });
  app.register(
    async (v1) => {
      await v1.register(healthRoutes);
      await v1.register(freshnessRoutes);
      await v1.register(adminRoutes);
      await v1.register(inventoryRoutes);
      await v1.register(topologyRoutes);
      await v1.register(instanceMetricsRoutes);
      await v1.register(latencySeriesRoutes);
      await v1.register(latencyCommandRoutes);
      await v1.register(latencyInstanceRoutes);
      await v1.register(slowlogEntryRoutes);
      await v1.register(slowlogPatternRoutes);
      await v1.register(bigKeyRoutes);
      await v1.register(hotKeyRoutes);
      await v1.register(keyPatternRoutes);
      await v1.register(alertRoutes);
      await v1.register(silenceRoutes);
    },
    { prefix: '/v1' },
  );
  return app;
}
