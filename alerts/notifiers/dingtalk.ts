// DingTalk custom robot: POST {"msgtype":"markdown","markdown":{"title","text"}} to
// https://oapi.dingtalk.com/robot/send?access_token=…, signed when a secret is set.
// DingTalk answers HTTP 200 with {"errcode":0} on success and another errcode on error.
// Its markdown needs a blank line between lines. A robot with "keyword" security only
// accepts messages containing the keyword: every message contains "redscope".
import type { ChatPayload, Notifier } from '../types.ts';
import { classifyByBodyCode, judgeProbeByCode, jsonPost } from './http.ts';
import { messageDoc, type MessageDoc } from './message.ts';
import { dingtalkSign } from './sign.ts';

/** -1 "system busy"; 130101 "send too fast" (20 messages a minute per robot). */
const RETRY_CODES = new Set([-1, 130101]);

export function dingtalkMarkdown(doc: MessageDoc): string {
  const lines = [`#### ${doc.title}`];
  for (const b of doc.blocks) lines.push(`**${b.heading}**`, ...b.facts, ...b.hints.map((h) => `- ${h}`));
  lines.push(...doc.notes);
  lines.push(`redscope · ${doc.links.map((l) => `[${l.label}](${l.url})`).join(' · ')}`);
  return lines.join('\n\n');
}

/** Dry-run answers that reject the robot itself: its token, or its security setting (signature, IP list). */
const TOKEN_CODES = new Map([
  [300001, 'the access_token is not valid'],
  [300005, 'the access_token is not valid'],
  [310000, "the robot's security check failed (signature secret, IP list or keyword)"],
]);

export const dingtalkNotifier: Notifier = {
  name: 'dingtalk',
  render(group): ChatPayload {
    const doc = messageDoc(group);
    return { msgtype: 'markdown', markdown: { title: doc.title, text: dingtalkMarkdown(doc) } };
  },
  request(payload, receiver, nowMs) {
    if (!receiver.secret) return jsonPost(receiver.url, payload);
    const sep = receiver.url.includes('?') ? '&' : '?';
    return jsonPost(`${receiver.url}${sep}timestamp=${nowMs}&sign=${dingtalkSign(nowMs, receiver.secret)}`, payload);
  },
  classify(res) {
    return classifyByBodyCode(res, ['errcode'], RETRY_CODES);
  },
  probe: { payload: {}, judge: (res) => judgeProbeByCode(res, ['errcode'], TOKEN_CODES) },
};
