import { describe, expect, it } from 'vitest';
import { alertEvent, firingGroup, groupOf, resolvedGroup, response, T0 } from './fixtures.ts';
import { slackNotifier } from './slack.ts';

describe('slack notifier', () => {
  it('renders one text with emoji, summary, instance, hints and <url|label> links', () => {
    const { text } = slackNotifier.render(firingGroup()) as { text: string };
    expect(text.split('\n')[0]).toBe('🔴 FIRING · failover · prod-a');
    expect(text).toContain('🔴 CRITICAL Master 10.0.0.1:7000 failed over to 10.0.0.2:7001');
    expect(text).toContain('Instance: 10.0.0.1:7000');
    expect(text).toContain('• SLOWLOG: KEYS user:* took 2.3 s just before');
    expect(text).toContain('<https://grafana.example/d/redscope-instance?var-cluster=prod-a|Dashboard>');
    expect(text).toContain('<https://api.example/v1/alerts/failover%3Aprod-a|API>');
    expect(text).not.toMatch(/\*[^*\s][^*]*\*/); // no *bold*: Mattermost would show it as italics
  });

  it('escapes <, > and & so alert text cannot become a link or a mention', () => {
    const g = groupOf([
      {
        event: alertEvent({ summary: 'key <!channel> & <https://x|y>' }),
        kind: 'firing',
        firingSinceMs: T0,
        resolvedAtMs: 0,
        flaps: 0,
      },
    ]);
    const { text } = slackNotifier.render(g) as { text: string };
    expect(text).toContain('key &lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });

  it('renders a resolved message', () => {
    const { text } = slackNotifier.render(resolvedGroup()) as { text: string };
    expect(text).toMatch(/^✅ RESOLVED · failover · prod-a/);
  });

  it('posts JSON to the receiver URL', () => {
    const req = slackNotifier.request(
      { text: 'hi' },
      { name: 'ops', type: 'slack', url: 'https://hooks.slack.com/services/T1/B2/XYZ' },
      T0,
    );
    expect(req).toEqual({
      url: 'https://hooks.slack.com/services/T1/B2/XYZ',
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"text":"hi"}',
    });
  });

  it('classifies: 2xx ok; 429 and 5xx retry; other 4xx (bad token, archived channel) fail', () => {
    expect(slackNotifier.classify(response(200, 'ok'))).toBe('ok');
    expect(slackNotifier.classify(response(429, 'rate_limited'))).toBe('retry');
    expect(slackNotifier.classify(response(503))).toBe('retry');
    expect(slackNotifier.classify(response(403, 'invalid_token'))).toBe('fail');
    expect(slackNotifier.classify(response(410, 'channel_is_archived'))).toBe('fail');
    expect(slackNotifier.classify(response(301))).toBe('fail');
  });
});
