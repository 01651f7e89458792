// No notifier leaks its webhook token or signing secret, whatever the endpoint does.
import { describe, expect, it } from 'vitest';
import type { NotificationV1 } from '../../contracts/index.ts';
import { testMessage } from '../test-message.ts';
import { runThroughFailingEndpoints } from '../testing/secret-leak.ts';
import type { ReceiverConfig, ReceiverType } from '../types.ts';
import { NOTIFIERS } from './index.ts';

/** For each chat: a receiver whose URL and secret carry recognisable secret tokens. */
const RECEIVERS: Record<ReceiverType, { at: (port: number) => ReceiverConfig; secrets: string[] }> = {
  slack: {
    at: (port) => ({
      name: 'slack-leak',
      type: 'slack',
      url: `http://127.0.0.1:${port}/services/T0SECRETTEAM/B0SECRETBOT/xoxSECRETTOKEN123`,
    }),
    secrets: ['T0SECRETTEAM', 'B0SECRETBOT', 'xoxSECRETTOKEN123'],
  },
  dingtalk: {
    at: (port) => ({
      name: 'dt-leak',
      type: 'dingtalk',
      url: `http://127.0.0.1:${port}/robot/send?access_token=dtSECRETTOKEN456`,
      secret: 'SECdingtalkSIGNINGsecret789',
    }),
    secrets: ['dtSECRETTOKEN456', 'SECdingtalkSIGNINGsecret789'],
  },
  feishu: {
    at: (port) => ({
      name: 'fs-leak',
      type: 'feishu',
      url: `http://127.0.0.1:${port}/open-apis/bot/v2/hook/fsSECRETHOOKID0001`,
      secret: 'feishuSIGNINGsecret42',
    }),
    secrets: ['fsSECRETHOOKID0001', 'feishuSIGNINGsecret42'],
  },
  wecom: {
    at: (port) => ({
      name: 'wc-leak',
      type: 'wecom',
      url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=wcSECRETKEY-1234`,
    }),
    secrets: ['wcSECRETKEY-1234'],
  },
  webhook: {
    at: (port) => ({
      name: 'wh-leak',
      type: 'webhook',
      url: `http://hookuser:pa55SECRETword@127.0.0.1:${port}/hook/whSECRETPATH77?token=whSECRETQUERY88`,
    }),
    secrets: [
      'pa55SECRETword',
      'whSECRETPATH77',
      'whSECRETQUERY88',
      Buffer.from('hookuser:pa55SECRETword').toString('base64'),
    ],
  },
};

/**
 * Secrets where a "keep the first path segment" redaction would show them: the whole path
 * is one token (`https://host/<token>`), or its first segment carries it (Telegram's
 * `https://api.telegram.org/bot<token>/sendMessage`).
 */
const FIRST_SEGMENT: Array<{ what: string; at: (port: number) => ReceiverConfig; secrets: string[] }> = [
  {
    what: 'a one-segment path token',
    at: (port) => ({ name: 'one-seg', type: 'webhook', url: `http://127.0.0.1:${port}/oneSEGMENTtoken0042` }),
    secrets: ['oneSEGMENTtoken0042'],
  },
  {
    what: 'a Telegram-style bot<token> segment',
    at: (port) => ({
      name: 'tg-style',
      type: 'webhook',
      url: `http://127.0.0.1:${port}/bot123456789:AAsecretTELEGRAMtoken_x/sendMessage`,
    }),
    secrets: ['123456789:AAsecretTELEGRAMtoken_x', 'AAsecretTELEGRAMtoken_x'],
  },
  {
    what: 'a Slack-compatible URL that is all token',
    at: (port) => ({ name: 'slack-one', type: 'slack', url: `http://127.0.0.1:${port}/SLACKonePATHtoken77` }),
    secrets: ['SLACKonePATHtoken77'],
  },
];

const message = (r: ReceiverConfig): NotificationV1 =>
  testMessage({ grafanaUrl: 'http://grafana', apiUrl: 'http://api' }, r, Date.now());

describe('secrets never leak', () => {
  it('covers every registered notifier', () => {
    expect(Object.keys(RECEIVERS).sort()).toEqual(Object.keys(NOTIFIERS).sort());
  });

  for (const type of Object.keys(NOTIFIERS) as ReceiverType[]) {
    it(`${type}: no token or signing secret in any log line, error, outcome or record when the endpoint fails`, async () => {
      const { at, secrets } = RECEIVERS[type];
      const reports = await runThroughFailingEndpoints(at, message);
      for (const r of reports) {
        // The endpoint did see (and echo back) the token, so its absence below means something.
        if (r.mode !== 'not-listening')
          expect(
            secrets.some((s) => r.requestsSeen.join('\n').includes(s)),
            `${type}/${r.mode}: endpoint saw a secret`,
          ).toBe(true);
        expect(r.surfaces.length, `${type}/${r.mode}: something was logged or recorded`).toBeGreaterThan(1);
        for (const text of r.surfaces)
          for (const s of secrets) expect(text, `${type}/${r.mode} leaked ${s}`).not.toContain(s);
      }
    });
  }

  for (const c of FIRST_SEGMENT) {
    it(`${c.what}: absent from every log line, error, outcome and record (endpoint shown as host:port only)`, async () => {
      const reports = await runThroughFailingEndpoints(c.at, message);
      for (const r of reports) {
        if (r.mode !== 'not-listening')
          expect(
            c.secrets.some((s) => r.requestsSeen.join('\n').includes(s)),
            `${r.mode}: endpoint saw it`,
          ).toBe(true);
        for (const text of r.surfaces)
          for (const s of c.secrets) expect(text, `${r.mode} leaked ${s}`).not.toContain(s);
        expect(r.surfaces.join('\n')).toMatch(/http:\/\/127\.0\.0\.1:\d+\/…/);
      }
    });
  }

  it('a secret in the host name (https://<token>.hooks.example/…): absent from errors, logs and the record', async () => {
    const secret = 'hostSECRET4242label';
    const reports = await runThroughFailingEndpoints(
      (port) => ({ name: 'host-secret', type: 'webhook', url: `http://${secret}.hooks.invalid:${port}/x` }),
      message,
    );
    for (const r of reports) {
      const all = r.surfaces.join('\n');
      expect(all, `${r.mode}: the failure is reported`).toMatch(/failed|ENOTFOUND|EAI_AGAIN/);
      expect(all, `${r.mode} leaked the host`).not.toContain(secret);
      expect(all).toContain('http://….hooks.invalid');
    }
  });
});
