// Liveness and readiness of the API itself: open without a token and exempt from rate limits
// (load balancers and orchestrators poll them).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

const open = { auth: 'open' as const, rateLimit: false as const };

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      config: open,
      schema: {
        summary: 'The API process is up',
        tags: ['health'],
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      config: open,
      schema: {
        summary: 'The API can reach ClickHouse',
        tags: ['health'],
        security: [],
        response: { 200: Type.Object({ status: Type.String() }), 503: Type.Object({ status: Type.String() }) },
      },
    },
    async (_req, reply) => {
      const ping = await app.clickhouse.ping();
      if (ping.success) return { status: 'ready' };
      return reply.code(503).send({ status: 'clickhouse unreachable' });
    },
  );
};

export default route;
