// Requests per minute per token (by its name), or per client IP without a valid token, so
// one noisy script cannot starve the others and token guessing is slowed down. In memory:
// each API process counts on its own. Routes with `config.rateLimit: false` (health) are exempt.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { TokenTable } from './tokens.ts';

class TooManyRequestsError extends Error {
  override name = 'Too Many Requests';
  readonly statusCode = 429;
}

export default fp<{ tokens: TokenTable; perMinute: number }>(
  async (app, opts) => {
    await app.register(rateLimit, {
      global: true,
      max: opts.perMinute,
      timeWindow: 60_000,
      cache: 10_000,
      keyGenerator: (req) => {
        const who = opts.tokens.forRequest(req);
        return typeof who === 'object' ? `token:${who.name}` : `ip:${req.ip}`;
      },
      errorResponseBuilder: (_req, ctx) =>
        new TooManyRequestsError(`rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`),
    });
  },
  { name: 'rate-limit' },
);
