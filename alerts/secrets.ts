// Keeping receiver secrets out of logs, errors and stored records. `redactUrl` (common/redact.ts)
// shows an endpoint safely; `scrub` is the second line of defence for text we do not
// control — an endpoint's error body or a network error that might quote the URL.
import { scrub, urlSecrets } from '../common/redact.ts';
import type { ReceiverConfig } from '../common/config-alerts.ts';

export { scrub };

/** Every secret-bearing piece of a receiver: the URL, its host, path and query pieces, the signing secret. */
export function receiverSecrets(r: Pick<ReceiverConfig, 'url' | 'secret'>): string[] {
  const pieces = urlSecrets(r.url);
  if (!r.secret) return pieces;
  return [...new Set([...pieces, r.secret, encodeURIComponent(r.secret)])].sort((a, b) => b.length - a.length);
}
