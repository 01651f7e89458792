// WeCom (企业微信) group robot: POST {"msgtype":"markdown","markdown":{"content"}} to
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>. The content is limited to
// 4096 bytes of UTF-8, so long messages are cut before the links, which always fit.
// Answers HTTP 200 with {"errcode":0}, another errcode on error.
import type { ChatPayload, Notifier } from '../types.ts';
import { classifyByBodyCode, judgeProbeByCode, jsonPost } from './http.ts';
import { messageDoc, type MessageDoc } from './message.ts';

const MAX_CONTENT_BYTES = 4096;
/** -1 "system busy"; 45009 "api freq out of limit" (20 a minute per robot); 45033 "api concurrent out of limit". */
const RETRY_CODES = new Set([-1, 45009, 45033]);

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}…`;
}

export function wecomMarkdown(doc: MessageDoc): string {
  const lines = [`**${doc.title}**`, ''];
  for (const b of doc.blocks) {
    const heading = b.heading.includes('RESOLVED')
      ? `<font color="info">${b.heading}</font>`
      : `<font color="warning">${b.heading}</font>`;
    lines.push(heading, ...b.facts.map((f) => `> ${f}`), ...b.hints.map((h) => `> • ${h}`), '');
  }
  lines.push(...doc.notes);
  const links = doc.links.map((l) => `[${l.label}](${l.url})`).join('  ·  ');
  const body = lines.join('\n').trim();
  return `${truncateUtf8(body, MAX_CONTENT_BYTES - Buffer.byteLength(links, 'utf8') - 2)}\n\n${links}`;
}

/** Dry-run answers that reject the robot itself. */
const TOKEN_CODES = new Map([[93000, 'the webhook key is not valid']]);

export const wecomNotifier: Notifier = {
  name: 'wecom',
  render(group): ChatPayload {
    return { msgtype: 'markdown', markdown: { content: wecomMarkdown(messageDoc(group)) } };
  },
  request(payload, receiver) {
    return jsonPost(receiver.url, payload);
  },
  classify(res) {
    return classifyByBodyCode(res, ['errcode'], RETRY_CODES);
  },
  probe: { payload: {}, judge: (res) => judgeProbeByCode(res, ['errcode'], TOKEN_CODES) },
};
