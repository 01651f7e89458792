import { describe, expect, it } from 'vitest';
import { dingtalkNotifier } from './dingtalk.ts';
import { firingGroup, response } from './fixtures.ts';
import { dingtalkSign } from './sign.ts';

// Computed independently with Python: quote_plus(b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest()))
const VECTOR = {
  timestampMs: 1700000000000,
  secret: 'SEC0123456789abcdef',
  sign: 'TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D',
};

describe('dingtalk notifier', () => {
  it('renders markdown with a preview title, blank lines between lines, links and the "redscope" keyword', () => {
    const p = dingtalkNotifier.render(firingGroup()) as { msgtype: string; markdown: { title: string; text: string } };
    expect(p.msgtype).toBe('markdown');
    expect(p.markdown.title).toBe('🔴 FIRING · failover · prod-a');
    expect(p.markdown.text).toContain(
      '**🔴 CRITICAL Master 10.0.0.1:7000 failed over to 10.0.0.2:7001**\n\nInstance: 10.0.0.1:7000',
    );
    expect(p.markdown.text).toContain('- SLOWLOG: KEYS user:* took 2.3 s just before');
    expect(p.markdown.text).toContain(
      'redscope · [Dashboard](https://grafana.example/d/redscope-instance?var-cluster=prod-a) · [API](',
    );
  });

  it('signs: timestamp + "\\n" + secret, HmacSHA256, base64, URL-encoded (known vector)', () => {
    expect(dingtalkSign(VECTOR.timestampMs, VECTOR.secret)).toBe(VECTOR.sign);
    const req = dingtalkNotifier.request(
      { msgtype: 'text' },
      {
        name: 'dt',
        type: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123',
        secret: VECTOR.secret,
      },
      VECTOR.timestampMs,
    );
    expect(req.url).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=${VECTOR.timestampMs}&sign=${VECTOR.sign}`,
    );
  });

  it('leaves the URL alone without a secret', () => {
    const url = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';
    expect(dingtalkNotifier.request({}, { name: 'dt', type: 'dingtalk', url }, 1).url).toBe(url);
  });

  it('classifies the errcode of an HTTP 200: 0 ok, rate limit and busy retry, others fail', () => {
    expect(dingtalkNotifier.classify(response(200, { errcode: 0, errmsg: 'ok' }))).toBe('ok');
    expect(dingtalkNotifier.classify(response(200, { errcode: 130101, errmsg: 'send too fast' }))).toBe('retry');
    expect(dingtalkNotifier.classify(response(200, { errcode: -1, errmsg: 'system busy' }))).toBe('retry');
    expect(dingtalkNotifier.classify(response(200, { errcode: 310000, errmsg: 'sign not match' }))).toBe('fail');
    expect(dingtalkNotifier.classify(response(200, { errcode: 300001, errmsg: 'token is not exist' }))).toBe('fail');
    expect(dingtalkNotifier.classify(response(200, '<html>proxy</html>'))).toBe('fail');
    expect(dingtalkNotifier.classify(response(502))).toBe('retry');
  });
});
