// What one request may cost the API, stated once (docs/security.md: Abuse limits) and applied in
// app.ts (Fastify) and server.ts (Node's HTTP server). Past a limit the client gets a 4xx
// (413 body, 431 headers, 414 path parameter, 408 too slow), never a stuck socket.
export const API_LIMITS = {
  /** Request bodies: the API takes only small JSON bodies (admin actions). */
  bodyBytes: 64 * 1024,
  /** All request headers together (Node's default, stated). */
  headerBytes: 16 * 1024,
  /** One path parameter (a cluster name is at most 200 characters). */
  paramChars: 256,
  /** The whole request, headers and body, must arrive within this (slow-loris). */
  requestTimeoutMs: 30_000,
  /** Readiness (a ClickHouse ping) is asked at most once per this, however often /v1/ready is polled. */
  readyCacheMs: 1000,
} as const;
