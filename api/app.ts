// The API as a Fastify plugin: tests call `buildApp(...).inject()` without listening;
// server.ts only starts it. Routes are registered explicitly, in one list.
import type { ClickHouseClient } from '@clickhouse/client';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import clickhousePlugin from './plugins/clickhouse.ts';
import healthRoutes from './routes/health.ts';
import instanceMetricsRoutes from './routes/instances/metrics.ts';

export interface AppOptions {
  clickhouse: ClickHouseClient;
  database: string;
  logger?: boolean | object;
}

export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Bearer tokens must not reach logs with the request.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (err.validation) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `${err.validationContext ?? 'request'}${err.message.replace(/^(querystring|params|body|headers)/, '')}` });
    }
    if (status < 500) return reply.code(status).send({ statusCode: status, error: err.name, message: err.message });
    // Server-side details (SQL, ClickHouse errors) stay in the log, not in the response.
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: `internal error (request ${req.id})` });
  });

  app.register(clickhousePlugin, { clickhouse: opts.clickhouse, database: opts.database });
  app.register(
    async (v1) => {
      await v1.register(healthRoutes);
      await v1.register(instanceMetricsRoutes);
    },
    { prefix: '/v1' },
  );
  return app;
}
