import { describe, expect, it } from 'vitest';
import { feishuNotifier } from './feishu.ts';
import { firingGroup, response } from './fixtures.ts';
import { feishuSign } from './sign.ts';

// Computed independently with Python: b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", sha256).digest())
const VECTOR = {
  timestampSec: 1700000000,
  secret: 'feishu-secret-xyz',
  sign: 'RpXbw7bncheMXKEHLeETmnhcqsBrZOUBOwyPTuLV4ic=',
};

type Post = {
  msg_type: string;
  content: { post: { zh_cn: { title: string; content: Array<Array<{ tag: string; text: string; href?: string }>> } } };
};

describe('feishu notifier', () => {
  it('renders a rich-text post: title, one line per fact and hint, clickable links', () => {
    const p = feishuNotifier.render(firingGroup()) as Post;
    expect(p.msg_type).toBe('post');
    const post = p.content.post.zh_cn;
    expect(post.title).toBe('🔴 FIRING · failover · prod-a');
    const lines = post.content.map((line) => line.map((e) => e.text).join(''));
    expect(lines[0]).toBe('🔴 CRITICAL Master 10.0.0.1:7000 failed over to 10.0.0.2:7001');
    expect(lines).toContain('    Instance: 10.0.0.1:7000');
    expect(lines).toContain('    • SLOWLOG: KEYS user:* took 2.3 s just before');
    const links = post.content.at(-1)!.filter((e) => e.tag === 'a');
    expect(links.map((l) => [l.text, l.href])).toEqual([
      ['Dashboard', 'https://grafana.example/d/redscope-instance?var-cluster=prod-a'],
      ['API', 'https://api.example/v1/alerts/failover%3Aprod-a'],
    ]);
  });

  it('signs: key = timestamp + "\\n" + secret over empty data, base64, in the body (known vector)', () => {
    expect(feishuSign(VECTOR.timestampSec, VECTOR.secret)).toBe(VECTOR.sign);
    const req = feishuNotifier.request(
      { msg_type: 'post' },
      { name: 'fs', type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/tok', secret: VECTOR.secret },
      VECTOR.timestampSec * 1000 + 999,
    );
    expect(JSON.parse(req.body)).toEqual({ timestamp: '1700000000', sign: VECTOR.sign, msg_type: 'post' });
    expect(req.url).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/tok');
  });

  it('classifies code (or the older StatusCode): 0 ok, frequency limit retry even on HTTP 400, others fail', () => {
    expect(feishuNotifier.classify(response(200, { code: 0, msg: 'success', data: {} }))).toBe('ok');
    expect(feishuNotifier.classify(response(200, { StatusCode: 0, StatusMessage: 'success' }))).toBe('ok');
    expect(feishuNotifier.classify(response(400, { code: 11232, msg: 'frequency limited' }))).toBe('retry');
    expect(
      feishuNotifier.classify(
        response(200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour' }),
      ),
    ).toBe('fail');
    expect(feishuNotifier.classify(response(400, { code: 9499, msg: 'Bad Request' }))).toBe('fail');
    expect(feishuNotifier.classify(response(429))).toBe('retry');
  });
});
