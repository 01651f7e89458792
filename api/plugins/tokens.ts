// Bearer tokens → who is calling. Pure: the auth and rate-limit plugins share it.
// Tokens are kept only as SHA-256 digests, so a heap dump or a log of this object shows
// no token, and a lookup hashes the presented token instead of comparing strings char by
// char (no timing hint about how much of a guess was right).
import { createHash } from 'node:crypto';
import type { ApiToken } from '../../common/config-schema.ts';

export type Scope = 'read' | 'admin';
export interface Principal {
  name: string;
  scope: Scope;
}

export class TokenConfigError extends Error {
  override name = 'TokenConfigError';
}

const RESOLVED = Symbol('principal');

const digest = (token: string) => createHash('sha256').update(token).digest('base64');

export class TokenTable {
  private readonly byDigest = new Map<string, Principal>();

  constructor(tokens: readonly ApiToken[]) {
    for (const t of tokens) {
      const d = digest(t.token);
      const other = this.byDigest.get(d);
      if (other)
        throw new TokenConfigError(
          `api.tokens: "${other.name}" and "${t.name}" have the same token; give each its own`,
        );
      this.byDigest.set(d, { name: t.name, scope: t.scope });
    }
  }

  /** No tokens configured: auth is off. */
  get enabled(): boolean {
    return this.byDigest.size > 0;
  }

  /**
   * Who sent a request, resolved once per request: the rate limiter and the auth check
   * both ask, and hashing twice would cost the hot path for nothing.
   */
  forRequest(req: { headers: { authorization?: string } }): Principal | 'missing' | 'invalid' {
    const memo = req as unknown as { [RESOLVED]?: Principal | 'missing' | 'invalid' };
    memo[RESOLVED] ??= this.resolve(req.headers.authorization);
    return memo[RESOLVED];
  }

  /** `missing` without a bearer token, `invalid` for an unknown one, else who it is. */
  resolve(authorization: string | undefined): Principal | 'missing' | 'invalid' {
    if (authorization === undefined || authorization === '') return 'missing';
    const m = /^Bearer\s+(\S{1,1024})\s*$/i.exec(authorization);
    if (!m) return 'invalid';
    return this.byDigest.get(digest(m[1]!)) ?? 'invalid';
  }
}
