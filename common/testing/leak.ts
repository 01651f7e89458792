// The shared secret-leak check's building blocks (Alertmanager's pattern, for every
// credential): capture everything a code path exposes — log lines, thrown errors with
// their causes, returned text — and list which secrets occur in it. Used by the chat
// notifiers' leak test (alerts/testing/secret-leak.ts) and by the Redis, Kafka, ClickHouse
// and doctor leak tests (test/credential-leak.test.ts). Test support only.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A logger writing every line into `lines`: plain pino, no redaction, so code under test cannot rely on it. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino(
    { level: 'trace' },
    new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { log, lines };
}

/** Everything an error carries as text: message, stack, own properties, and the same for its causes. */
export function errorSurfaces(err: unknown, depth = 0): string[] {
  if (depth > 5 || err === undefined || err === null) return [];
  if (!(err instanceof Error)) return [String(err)];
  let props = '';
  try {
    props = JSON.stringify({ ...err });
  } catch {
    props = '[unserialisable properties]';
  }
  return [String(err), err.stack ?? '', props, ...errorSurfaces((err as { cause?: unknown }).cause, depth + 1)];
}

/** `secret in surface` for every pair that leaks; empty when nothing does. */
export function leaks(surfaces: readonly string[], secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const s of secrets)
    for (const text of surfaces) if (text.includes(s)) found.push(`${s} in: ${text.slice(0, 300)}`);
  return found;
}
