import { describe, expect, it } from 'vitest';
import { alertEvent, firingGroup, groupOf, response, T0 } from './fixtures.ts';
import { truncateUtf8, wecomNotifier } from './wecom.ts';

describe('wecom notifier', () => {
  it('renders markdown: bold title, coloured heading, quoted facts and hints, links', () => {
    const p = wecomNotifier.render(firingGroup()) as { msgtype: string; markdown: { content: string } };
    expect(p.msgtype).toBe('markdown');
    const c = p.markdown.content;
    expect(c.split('\n')[0]).toBe('**🔴 FIRING · failover · prod-a**');
    expect(c).toContain('<font color="warning">🔴 CRITICAL Master 10.0.0.1:7000 failed over to 10.0.0.2:7001</font>');
    expect(c).toContain('> Instance: 10.0.0.1:7000');
    expect(c).toContain('> • SLOWLOG: KEYS user:* took 2.3 s just before');
    expect(c).toContain('[Dashboard](https://grafana.example/d/redscope-instance?var-cluster=prod-a)');
  });

  it('keeps the content within 4096 bytes of UTF-8 and the links intact', () => {
    const long = Array.from({ length: 10 }, (_, i) => ({
      event: alertEvent({ fingerprint: `f${i}`, summary: '主节点故障转移'.repeat(40), hints: ['慢查询'.repeat(100)] }),
      kind: 'firing' as const,
      firingSinceMs: T0,
      resolvedAtMs: 0,
      flaps: 0,
    }));
    const c = (wecomNotifier.render(groupOf(long)) as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(4096);
    expect(c.endsWith('[API](https://api.example/v1/alerts/failover%3Aprod-a)')).toBe(true);
    expect(truncateUtf8('ab€', 4)).toBe('a…');
  });

  it('classifies errcode: 0 ok, frequency limit and busy retry, bad key fails', () => {
    expect(wecomNotifier.classify(response(200, { errcode: 0, errmsg: 'ok' }))).toBe('ok');
    expect(wecomNotifier.classify(response(200, { errcode: 45009, errmsg: 'api freq out of limit' }))).toBe('retry');
    expect(wecomNotifier.classify(response(200, { errcode: -1, errmsg: 'system busy' }))).toBe('retry');
    expect(wecomNotifier.classify(response(200, { errcode: 93000, errmsg: 'invalid webhook url' }))).toBe('fail');
    expect(wecomNotifier.classify(response(500))).toBe('retry');
  });
});
