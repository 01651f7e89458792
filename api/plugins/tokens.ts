// Bearer tokens → who is calling. Pure: the auth and rate-limit plugins share it.
// Tokens are kept only as SHA-256 digests, so a heap dump or a log of this object shows
// no token. A lookup hashes the presented token and compares the digest with every
// configured one in constant time (timingSafeEqual, no early exit): how long it takes
// says nothing about how much of a guess was right, nor which token came close.
import { createHash, timingSafeEqual } from 'node:crypto';
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

const digest = (token: string) => createHash('sha256').update(token).digest();

export class TokenTable {
  private readonly byDigest = new Map<string, Principal>();
  private readonly entries: Array<{ digest: Buffer; principal: Principal }> = [];

  constructor(tokens: readonly ApiToken[]) {
    for (const t of tokens) {
      const d = digest(t.token);
      const other = this.byDigest.get(d.toString('base64'));
      if (other)
        throw new TokenConfigError(
          `api.tokens: "${other.name}" and "${t.name}" have the same token; give each its own`,
        );
      const principal = { name: t.name, scope: t.scope };
      this.byDigest.set(d.toString('base64'), principal);
      this.entries.push({ digest: d, principal });
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
    const presented = digest(m[1]!);
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, presented)) found = e.principal;
    return found ?? 'invalid';
  }
}
