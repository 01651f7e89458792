// Slack-compatible incoming webhooks: Slack, Mattermost, Rocket.Chat.
// POST {"text": …}. Only what all three render alike: `<url|label>` links (Mattermost
// translates them to Markdown), emoji and plain lines — no `*bold*`, which Mattermost
// shows as italics. Slack answers 200 "ok"; errors are 4xx with a short reason
// (`invalid_token`, `channel_is_archived`) and rate limits 429.
import type { ChatPayload, HttpResponse, Notifier, ProbeVerdict } from '../types.ts';
import { classifyStatus, jsonPost } from './http.ts';
import { messageDoc, type MessageDoc } from './message.ts';

/** Slack's mrkdwn needs these three escaped in text; `<` would otherwise start a link or mention. */
function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackText(doc: MessageDoc): string {
  const lines = [esc(doc.title), ''];
  // No indentation: Mattermost's Markdown would turn four leading spaces into a code block.
  for (const b of doc.blocks) lines.push(esc(b.heading), ...b.facts.map(esc), ...b.hints.map((h) => `• ${esc(h)}`), '');
  lines.push(...doc.notes.map(esc));
  lines.push(doc.links.map((l) => `<${l.url}|${esc(l.label)}>`).join('  ·  '));
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Dry run: an empty payload. Slack refuses it with 400 `no_text` (`invalid_payload`) when
 * the webhook exists, and with 403 `invalid_token`, 404 `no_service`/`no_team`, 410
 * `channel_is_archived` when it does not; Mattermost says "No text specified" or
 * "Invalid webhook".
 */
function judgeSlackProbe(res: HttpResponse): ProbeVerdict {
  const body = res.body.slice(0, 200);
  if (
    /invalid_token|no_service|no_team|channel_not_found|channel_is_archived|action_prohibited|invalid webhook/i.test(
      body,
    ) ||
    [403, 404, 410].includes(res.status)
  )
    return { status: 'fail', detail: `the webhook was refused: HTTP ${res.status} ${body}` };
  if (res.status === 400 && /no_text|invalid_payload|missing_text|no text specified|text\.app_error/i.test(body))
    return { status: 'ok', detail: `webhook accepted (the empty dry-run message was refused: ${body}, as intended)` };
  return { status: 'unknown', detail: `HTTP ${res.status} ${body}` };
}

export const slackNotifier: Notifier = {
  name: 'slack',
  render(group): ChatPayload {
    return { text: slackText(messageDoc(group)) };
  },
  request(payload, receiver) {
    return jsonPost(receiver.url, payload);
  },
  classify(res) {
    return classifyStatus(res.status);
  },
  probe: { payload: {}, judge: judgeSlackProbe },
};
