// Structured logs (pino). Secrets never reach a log line: known secret-bearing keys are
// redacted by path, URLs are passed through `redactUrl` before they are logged, and every
// line is scrubbed of the secrets the loaded config registered (common/redact.ts), in case
// a library or an error message quotes one.
import { pino, type DestinationStream, type Logger } from 'pino';
import { scrubRegistered } from './redact.ts';

export type { Logger };
export { redactUrl } from './redact.ts';

const SECRET_KEYS = ['password', 'pass', 'token', 'tokens', 'secret', 'webhookUrl', 'url', 'authorization', 'sasl'];

/** Paths pino redacts at any depth up to three levels (pino needs explicit paths). */
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/** `destination`: where lines go (stdout by default; tests pass a stream). */
export function createLogger(
  name: string,
  level = process.env.REDSCOPE_LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: { streamWrite: scrubRegistered },
  };
  return destination ? pino(options, destination) : pino(options);
}
