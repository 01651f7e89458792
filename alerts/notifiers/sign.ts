// Webhook signatures of DingTalk and Feishu custom robots. Pure.
import { createHmac } from 'node:crypto';

/**
 * DingTalk "加签": HmacSHA256 keyed with the secret over `timestamp + "\n" + secret`,
 * base64, then URL-encoded; sent as `&timestamp=<ms>&sign=<sign>`. The timestamp is in
 * milliseconds and must be within an hour of DingTalk's clock.
 */
export function dingtalkSign(timestampMs: number, secret: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(mac);
}

/**
 * Feishu/Lark "签名校验": HmacSHA256 keyed with `timestamp + "\n" + secret` over empty
 * data, base64; sent in the body as `timestamp` (seconds, a string) and `sign`.
 */
export function feishuSign(timestampSec: number, secret: string): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}
