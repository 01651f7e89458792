// Request and response helpers the notifiers share. Pure.
import type { ChatPayload, HttpRequest, HttpResponse, ProbeVerdict, Verdict } from '../types.ts';

/**
 * A JSON POST. Credentials in the URL (`https://user:pass@host/…`) become a Basic
 * Authorization header: fetch refuses URLs with credentials, and quotes the URL when it does.
 */
export function jsonPost(url: string, payload: ChatPayload): HttpRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (URL.canParse(url)) {
    const u = new URL(url);
    if (u.username || u.password) {
      headers.authorization =
        'Basic ' +
        Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
      u.username = '';
      u.password = '';
      url = u.toString();
    }
  }
  return { url, method: 'POST', headers, body: JSON.stringify(payload) };
}

/**
 * The HTTP status alone: 2xx ok; 408, 429 and 5xx are worth retrying (the endpoint is
 * busy, restarting or rate limiting); any other 4xx will fail the same way next time
 * (bad token, deleted channel, malformed payload), so retrying would only hide it.
 */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'fail';
}

/** The body as a JSON object, or null (HTML error pages, empty bodies). */
export function jsonBody(res: HttpResponse): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(res.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * For chat APIs that answer HTTP 200 with an error code in the body (DingTalk and WeCom
 * `errcode`, Feishu `code`): 0 is ok, a code in `retryCodes` (rate limits, "system busy")
 * is retried, any other code fails. Non-2xx statuses are judged by the status first.
 */
export function classifyByBodyCode(
  res: HttpResponse,
  codeFields: readonly string[],
  retryCodes: ReadonlySet<number>,
): Verdict {
  const byStatus = classifyStatus(res.status);
  if (byStatus === 'retry') return 'retry';
  const body = jsonBody(res);
  const field = body ? codeFields.find((f) => typeof body[f] === 'number') : undefined;
  // A 2xx without the code is not the API we think it is (a proxy page, a wrong URL).
  if (field === undefined) return 'fail';
  const code = body![field] as number;
  if (code === 0) return byStatus;
  // Rate limits may come with HTTP 200 (DingTalk, WeCom) or 400 (Feishu): the code decides.
  return retryCodes.has(code) ? 'retry' : 'fail';
}

/**
 * A dry run's verdict from a chat that answers with an error code in the body: codes that
 * reject the token or signature fail, any other error code means the robot was reached
 * and only the (empty) payload refused; 0 or no code is not what a dry run expects.
 */
export function judgeProbeByCode(
  res: HttpResponse,
  codeFields: readonly string[],
  tokenCodes: ReadonlyMap<number, string>,
): ProbeVerdict {
  const body = jsonBody(res);
  const field = body ? codeFields.find((f) => typeof body[f] === 'number') : undefined;
  if (field === undefined) return { status: 'unknown', detail: `HTTP ${res.status} without an error code` };
  const code = body![field] as number;
  const why = tokenCodes.get(code);
  if (why) return { status: 'fail', detail: `${why} (code ${code})` };
  if (code === 0) return { status: 'unknown', detail: 'the empty dry-run message was accepted' };
  return {
    status: 'ok',
    detail: `token accepted (the empty dry-run message was refused with code ${code}, as intended)`,
  };
}
