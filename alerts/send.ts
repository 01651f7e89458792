// One HTTP attempt towards a chat endpoint, with Node's fetch (undici) and a timeout.
// Failures become a SendError whose message names the endpoint by `redactUrl` only.
import { redactUrl } from '../common/log.ts';
import { scrub } from './secrets.ts';
import type { HttpRequest, HttpResponse } from './types.ts';

/** Enough of an error body to see why; chat APIs answer in a few hundred bytes. */
const MAX_BODY_CHARS = 64 * 1024;

export class SendError extends Error {
  override name = 'SendError';
}

function causeOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export async function postOnce(
  req: HttpRequest,
  opts: { timeoutMs: number; secrets: readonly string[] },
): Promise<HttpResponse> {
  const endpoint = redactUrl(req.url);
  try {
    // Redirects are not followed: a 3xx comes back as a permanent failure ("fix the URL")
    // instead of re-posting the alert, token and all, to wherever it points.
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'manual',
    });
    const body = (await res.text()).slice(0, MAX_BODY_CHARS);
    return { status: res.status, headers: Object.fromEntries(res.headers), body };
  } catch (err) {
    throw new SendError(scrub(`POST ${endpoint} failed: ${causeOf(err)}`, opts.secrets));
  }
}

/** A Retry-After header in seconds (the HTTP-date form is rare from chat APIs and ignored). */
export function retryAfterMs(res: HttpResponse): number | undefined {
  const v = res.headers['retry-after'];
  return v && /^\d+$/.test(v) ? Number(v) * 1000 : undefined;
}
