// GET /v1/whoami — which token is calling (its name and scope; never the token);
// POST /v1/admin/cache/flush — drop cached inventory and results (admin tokens only),
// e.g. right after a planned failover when a 10 s old instance list is not good enough.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ErrorResponse } from '../../schemas/errors.ts';

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/whoami',
    {
      schema: {
        summary: 'The calling token’s name and scope',
        tags: ['admin'],
        response: {
          200: Type.Object({ name: Type.String(), scope: Type.String(), authEnabled: Type.Boolean() }),
          401: ErrorResponse,
        },
      },
    },
    async (req) => ({
      name: req.principal?.name ?? 'anonymous',
      scope: req.principal?.scope ?? (app.tokens.enabled ? 'none' : 'admin'),
      authEnabled: app.tokens.enabled,
    }),
  );

  app.post(
    '/admin/cache/flush',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Drop every cached inventory list and query result (admin)',
        tags: ['admin'],
        response: { 200: Type.Object({ dropped: Type.Integer() }), 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => {
      const dropped = app.inventoryCache.clear() + app.resultCache.clear() + app.pieceCache.clear();
      req.log.info({ by: req.principal?.name ?? 'anonymous', dropped }, 'caches flushed');
      return { dropped };
    },
  );
};

export default route;
