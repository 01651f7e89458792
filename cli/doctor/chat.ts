// Doctor, chat: every configured receiver gets a dry run (alerts/probe.ts): nothing is posted.
import { probeReceiver } from '../../alerts/probe.ts';
import type { Config } from '../../common/config.ts';
import { redactUrl } from '../../common/log.ts';
import { check, type Check } from './report.ts';

export async function checkChat(config: Config): Promise<Check[]> {
  const out: Check[] = [];
  const routed = new Set(config.alerts.routes.map((r) => r.receiver));
  for (const r of config.alerts.receivers) {
    const link = `chat receiver ${r.name} (${r.type}, ${redactUrl(r.url)})`;
    const v = await probeReceiver(r, config.alerts.requestTimeoutMs);
    const status = v.status === 'ok' ? 'ok' : v.status === 'fail' ? 'fail' : 'warn';
    const fix =
      v.status === 'fail'
        ? `check alerts.receivers (${r.name}): the webhook URL${r.secret ? ' and signing secret' : ''}, or create a new webhook in the chat`
        : v.status === 'unknown'
          ? `send a real test message: redscope alerts test --receiver ${r.name}`
          : undefined;
    out.push(check(link, status, `dry run (nothing posted): ${v.detail}`, fix));
    if (!routed.has(r.name)) out.push(check(link, 'warn', 'no route sends alerts to it', 'add it to alerts.routes'));
  }
  if (config.alerts.receivers.length === 0)
    out.push(
      check(
        'chat',
        'warn',
        'no receivers configured: alerts are recorded but sent nowhere',
        'add alerts.receivers and alerts.routes',
      ),
    );
  return out;
}
