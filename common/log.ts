// Structured logs (pino). Secrets never reach a log line: known secret-bearing keys are
// redacted by path, and URLs are passed through `redactUrl` before they are logged.
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = ['password', 'pass', 'token', 'tokens', 'secret', 'webhookUrl', 'url', 'authorization', 'sasl'];

/** Paths pino redacts at any depth up to three levels (pino needs explicit paths). */
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(name: string, level = process.env.REDSCOPE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

/** A URL without its credentials, query string or path secrets: scheme, host and first path segment. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const first = u.pathname.split('/').filter(Boolean)[0];
    const hidden = u.pathname.split('/').filter(Boolean).length > 1 || u.search ? '/…' : '';
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${first ? `/${first}` : ''}${hidden}`;
  } catch {
    return '[unparseable url]';
  }
}
