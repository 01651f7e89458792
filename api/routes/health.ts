// Liveness and readiness of the API itself: open without a token and exempt from rate limits
// (load balancers and orchestrators poll them). Readiness pings ClickHouse at most once per
// API_LIMITS.readyCacheMs, however many pollers ask: an open endpoint must not let anyone
// turn requests into ClickHouse round trips.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { API_LIMITS } from '../limits.ts';

const open = { auth: 'open' as const, rateLimit: false as const };

const route: FastifyPluginAsyncTypebox = async (app) => {
  let last: { at: number; ok: boolean } | null = null;
  let pending: Promise<boolean> | null = null;
  const clickhouseReachable = async (): Promise<boolean> => {
    if (last && Date.now() - last.at < API_LIMITS.readyCacheMs) return last.ok;
    // Callers arriving during a ping share it.
    pending ??= app.clickhouse
      .ping()
      .then((r) => r.success)
      .catch(() => false)
      .then((ok) => {
        last = { at: Date.now(), ok };
        pending = null;
        return ok;
      });
    return pending;
  };

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
      if (await clickhouseReachable()) return { status: 'ready' };
      return reply.code(503).send({ status: 'clickhouse unreachable' });
    },
  );
};

export default route;
