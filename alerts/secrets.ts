// Keeping receiver secrets out of logs, errors and stored records. `redactUrl` (common/log.ts)
// shows an endpoint safely; `scrub` is the second line of defence for text we do not
// control — an endpoint's error body or a network error that might quote the URL.
import type { ReceiverConfig } from '../common/config-alerts.ts';

/** Shorter path segments and query values ("hooks", "v2", "send") are not tokens, and scrubbing them would garble messages. */
const MIN_SECRET_CHARS = 6;

/** Every secret-bearing piece of a receiver: the URL, its path tokens and query values, the signing secret. */
export function receiverSecrets(r: Pick<ReceiverConfig, 'url' | 'secret'>): string[] {
  const out = new Set<string>([r.url]);
  if (r.secret) out.add(r.secret);
  try {
    const u = new URL(r.url);
    for (const seg of u.pathname.split('/').slice(2)) out.add(decodeURIComponent(seg));
    for (const v of u.searchParams.values()) out.add(v);
    if (u.password) {
      out.add(decodeURIComponent(u.password));
      // …and as the Basic Authorization header it is sent as (an endpoint may echo headers).
      out.add(Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64'));
    }
    if (u.search) out.add(u.search);
  } catch {
    // unparseable: the whole URL is already in the list
  }
  const pieces = [...out].filter((s) => s.length >= MIN_SECRET_CHARS || s === r.secret || s === r.url);
  // Also their percent-encoded forms, as they would appear inside another URL.
  return [...new Set([...pieces, ...pieces.map((s) => encodeURIComponent(s))])].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `[redacted]` (longest first, so a URL goes before its parts). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}
