// A dry run towards one chat receiver (`redscope doctor`): for chats that allow one, a
// request the chat refuses without posting (the notifier's `probe`), whose refusal says
// whether the token is good; for a generic webhook, which has no such request, only a
// connection (and TLS handshake) to its host. Nothing reaches the channel either way.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { errorMessage } from '../common/errors.ts';
import { redactUrl } from '../common/log.ts';
import { withTlsHint } from '../common/tls.ts';
import { notifierFor } from './notifiers/index.ts';
import { receiverSecrets, scrub } from './secrets.ts';
import { postOnce } from './send.ts';
import type { ProbeVerdict, ReceiverConfig } from './types.ts';

function reach(url: URL, timeoutMs: number): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket =
      url.protocol === 'https:'
        ? tlsConnect({ host: url.hostname, port, servername: url.hostname }, () => done())
        : tcpConnect({ host: url.hostname, port }, () => done());
    const timer = setTimeout(() => done(new Error('timed out')), timeoutMs);
    function done(err?: Error) {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    }
    socket.once('error', (err) => done(err));
  });
}

export async function probeReceiver(
  receiver: ReceiverConfig,
  timeoutMs: number,
  nowMs = Date.now(),
): Promise<ProbeVerdict> {
  const secrets = receiverSecrets(receiver);
  const notifier = notifierFor(receiver.type);
  const where = redactUrl(receiver.url);
  const https = receiver.url.startsWith('https:');
  if (!notifier.probe) {
    try {
      await reach(new URL(receiver.url), timeoutMs);
      return {
        status: 'unknown',
        detail: `${where} is reachable; a generic webhook has no dry run, so its token is not checked (\`redscope alerts test --receiver ${receiver.name}\` sends a real test message)`,
      };
    } catch (err) {
      return {
        status: 'fail',
        detail: scrub(`cannot reach ${where}: ${withTlsHint(errorMessage(err), err, https)}`, secrets),
      };
    }
  }
  try {
    const res = await postOnce(notifier.request(notifier.probe.payload, receiver, nowMs), { timeoutMs, secrets });
    const verdict = notifier.probe.judge(res);
    return { ...verdict, detail: scrub(verdict.detail, secrets) };
  } catch (err) {
    return { status: 'fail', detail: scrub(withTlsHint(errorMessage(err), err, https), secrets) };
  }
}
