// Bearer-token auth. Each route says what it needs in `config.auth`: `open` (health,
// docs), `read` (the default: every GET) or `admin` (/v1/admin/*). No tokens configured
// means auth is off: every route is open and the server logs a warning at start.
// The check is added per route (onRoute), after the rate limiter's hook, so failed
// attempts are rate-limited too (by client IP). Tokens never appear in logs or replies:
// Fastify's request log has no headers, and errors name the token's `name` only.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenTable, Principal } from './tokens.ts';

export type RouteAuth = 'open' | 'read' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    tokens: TokenTable;
  }
}

class AuthError extends Error {
  constructor(
    readonly statusCode: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = statusCode === 401 ? 'Unauthorized' : 'Forbidden';
  }
}

/** Swagger UI and the OpenAPI document are public: they describe the API, not the data. */
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');

export default fp<{ tokens: TokenTable }>(
  async (app, opts) => {
    app.decorate('tokens', opts.tokens);
    app.decorateRequest('principal', null);
    if (!opts.tokens.enabled) return;

    const check = async (req: FastifyRequest, reply: FastifyReply) => {
      const who = opts.tokens.forRequest(req);
      if (typeof who === 'object') req.principal = who;
      const need: RouteAuth = req.routeOptions.config.auth ?? (isDocs(req.routeOptions.url ?? '') ? 'open' : 'read');
      if (need === 'open') return;
      if (who === 'missing') {
        reply.header('www-authenticate', 'Bearer realm="redscope"');
        throw new AuthError(401, 'missing bearer token: send "Authorization: Bearer <token>"');
      }
      if (who === 'invalid') {
        reply.header('www-authenticate', 'Bearer realm="redscope", error="invalid_token"');
        throw new AuthError(401, 'invalid bearer token');
      }
      if (need === 'admin' && who.scope !== 'admin')
        throw new AuthError(403, `token "${who.name}" has scope ${who.scope}; this route needs admin`);
    };

    app.addHook('onRoute', (route) => {
      const existing = route.onRequest;
      route.onRequest =
        existing === undefined ? [check] : Array.isArray(existing) ? [...existing, check] : [existing, check];
    });
  },
  { name: 'auth', dependencies: ['rate-limit'] },
);
