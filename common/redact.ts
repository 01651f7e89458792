// Keeping secrets out of everything redscope writes: log lines, errors, API output, stored
// rows. Three tools, from most to least precise:
// - `redactUrl` shows a secret-bearing URL (a chat webhook) safely: scheme, the last two
//   labels of the host name, the port — never the path, query, user info or the rest of
//   the host, any of which may be the token (`https://host/<token>`,
//   `https://api.telegram.org/bot<token>/…`, `https://<token>.m.pipedream.net`).
// - `urlSecrets` + `scrub` remove the pieces of a known URL from text we do not control
//   (an endpoint's error body, a network error quoting the URL).
// - the process-wide registry: every password, token and webhook of the loaded config is
//   registered (common/config.ts), and every log line is scrubbed of them (common/log.ts),
//   a last line of defence against a library or an error message quoting one.
import { isIP } from 'node:net';

/** Shorter pieces ("hooks", "v2", "send") are not tokens, and scrubbing them would garble messages. */
export const MIN_SECRET_CHARS = 6;
/** Labels of a host name kept by `redactUrl`: enough to tell chats apart (`….slack.com`). */
const KEPT_HOST_LABELS = 2;

function splitHost(hostname: string): { shown: string; hidden: string[] } {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return { shown: hostname, hidden: [] };
  const labels = hostname.split('.');
  if (labels.length <= KEPT_HOST_LABELS) return { shown: hostname, hidden: [] };
  return { shown: `….${labels.slice(-KEPT_HOST_LABELS).join('.')}`, hidden: labels.slice(0, -KEPT_HOST_LABELS) };
}

/** A URL without anything that may be a secret: `https://….slack.com/…`, `http://127.0.0.1:8080/…`. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const { shown } = splitHost(u.hostname);
    const rest = (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash ? '/…' : '';
    return `${u.protocol}//${shown}${u.port ? `:${u.port}` : ''}${rest}`;
  } catch {
    return '[unparseable url]';
  }
}

/**
 * Every piece of a URL that may be a secret, for `scrub`: the URL itself, user info (and
 * the Basic header it becomes), every path segment and query value, the hidden part of
 * the host; each also percent-encoded. Pieces shorter than MIN_SECRET_CHARS are left out.
 */
export function urlSecrets(raw: string): string[] {
  const out = new Set<string>([raw]);
  try {
    const u = new URL(raw);
    const user = safeDecode(u.username);
    const password = safeDecode(u.password);
    if (user) out.add(user);
    if (password) {
      out.add(password);
      // …and as the Basic Authorization header it is sent as (an endpoint may echo headers).
      out.add(Buffer.from(`${user}:${password}`).toString('base64'));
    }
    for (const seg of u.pathname.split('/')) {
      out.add(seg);
      out.add(safeDecode(seg));
    }
    for (const v of u.searchParams.values()) out.add(v);
    if (u.search) out.add(u.search);
    const { hidden } = splitHost(u.hostname);
    if (hidden.length > 0) {
      out.add(u.hostname);
      for (const label of hidden) out.add(label);
    }
  } catch {
    // unparseable: the whole URL is already in the list
  }
  const pieces = [...out].filter((s) => s.length >= MIN_SECRET_CHARS || s === raw);
  return longestFirst([...pieces, ...pieces.map((s) => encodeURIComponent(s))]);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function longestFirst(list: readonly string[]): string[] {
  return [...new Set(list)].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `[redacted]` (longest first, so a URL goes before its parts). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

// The process-wide registry. Values shorter than MIN_SECRET_CHARS are not registered: a
// password that short cannot be told apart from ordinary text (`redscope doctor` warns about it).
let registered: string[] = [];

/** Adds secrets (passwords, tokens, webhook URLs and their pieces) that no log line may contain. */
export function registerSecrets(values: Iterable<string | undefined | null>): void {
  const add: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_CHARS) continue;
    add.push(v, encodeURIComponent(v));
  }
  if (add.length > 0) registered = longestFirst([...registered, ...add]);
}

/** `text` without any registered secret. */
export function scrubRegistered(text: string): string {
  return registered.length === 0 ? text : scrub(text, registered);
}

/**
 * The pieces of a webhook URL worth scrubbing from every log line: the URL, user info,
 * query values, and the path segments and host labels that look like tokens (a digit, or
 * 16+ characters) — not words like "services" or "robot", which would garble unrelated lines.
 */
export function urlTokens(raw: string): string[] {
  const tokenLike = (s: string) => /\d/.test(s) || s.length >= 16;
  try {
    const u = new URL(raw);
    const hidden = splitHost(u.hostname).hidden.filter(tokenLike);
    return [
      raw,
      safeDecode(u.username),
      safeDecode(u.password),
      ...u.searchParams.values(),
      ...u.pathname.split('/').map(safeDecode).filter(tokenLike),
      ...hidden,
      ...(hidden.length > 0 ? [u.hostname] : []),
    ];
  } catch {
    return [raw];
  }
}

/** For tests: forget every registered secret. */
export function clearRegisteredSecrets(): void {
  registered = [];
}
