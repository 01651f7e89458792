// Feishu / Lark custom bot: POST {"msg_type":"post","content":{"post":{"zh_cn":{…}}}} to
// https://open.feishu.cn/open-apis/bot/v2/hook/<token> (Lark: open.larksuite.com), with
// `timestamp` and `sign` in the body when a secret is set. A "post" (rich text) is used
// because plain text cannot carry links. Answers {"code":0} on success (older
// deployments {"StatusCode":0}), another code on error, with HTTP 200 or 400.
import type { ChatPayload, Notifier } from '../types.ts';
import { classifyByBodyCode, judgeProbeByCode, jsonPost } from './http.ts';
import { messageDoc } from './message.ts';
import { feishuSign } from './sign.ts';

/** 11232: "frequency limited" (100 messages a minute, 5 a second per bot). */
const RETRY_CODES = new Set([11232]);

type Element = { tag: 'text'; text: string } | { tag: 'a'; text: string; href: string };

/** Dry-run answers that reject the bot itself: its token, signature or IP list. */
const TOKEN_CODES = new Map([
  [19001, 'the webhook token is not valid'],
  [19021, 'the signature does not match (secret, or this host clock)'],
  [19022, 'this host is not in the IP list'],
]);

export const feishuNotifier: Notifier = {
  name: 'feishu',
  render(group): ChatPayload {
    const doc = messageDoc(group);
    const text = (t: string): Element[] => [{ tag: 'text', text: t }];
    const content: Element[][] = [];
    for (const b of doc.blocks) {
      content.push(text(b.heading), ...b.facts.map((f) => text(`    ${f}`)), ...b.hints.map((h) => text(`    • ${h}`)));
    }
    for (const n of doc.notes) content.push(text(n));
    content.push(
      doc.links.flatMap((l, i): Element[] => [...(i ? text('  ·  ') : []), { tag: 'a', text: l.label, href: l.url }]),
    );
    // `zh_cn` is the key every Feishu and Lark client falls back to; it names a slot, not the text's language.
    return { msg_type: 'post', content: { post: { zh_cn: { title: doc.title, content } } } };
  },
  request(payload, receiver, nowMs) {
    if (!receiver.secret) return jsonPost(receiver.url, payload);
    const timestampSec = Math.floor(nowMs / 1000);
    return jsonPost(receiver.url, {
      timestamp: String(timestampSec),
      sign: feishuSign(timestampSec, receiver.secret),
      ...payload,
    });
  },
  classify(res) {
    return classifyByBodyCode(res, ['code', 'StatusCode'], RETRY_CODES);
  },
  probe: { payload: {}, judge: (res) => judgeProbeByCode(res, ['code', 'StatusCode'], TOKEN_CODES) },
};
