import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Config } from './config-schema.ts';
import { configSecrets, defaultConfig, type Config as ConfigType } from './config.ts';
import { clearRegisteredSecrets, redactUrl, registerSecrets, scrub, urlSecrets } from './redact.ts';
import { createLogger } from './log.ts';

describe('redactUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/XYZ', 'https://….slack.com/…'],
    ['https://api.telegram.org/bot123:ABC/sendMessage', 'https://….telegram.org/…'],
    ['https://chat.example/abcdef0123456789', 'https://chat.example/…'],
    ['https://tok3n.m.pipedream.net', 'https://….pipedream.net'],
    ['http://user:pass@127.0.0.1:8080/hook?token=x', 'http://127.0.0.1:8080/…'],
    ['http://[::1]:9000/', 'http://[::1]:9000'],
    ['not a url', '[unparseable url]'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('urlSecrets', () => {
  it('has every path segment (the first too), query value, user info and hidden host label', () => {
    const pieces = urlSecrets('https://u5er:pa55word@tok3nhost.hooks.example/bot123:AAtoken/send?key=k3yvalue');
    for (const s of ['bot123:AAtoken', 'pa55word', 'k3yvalue', 'tok3nhost', 'tok3nhost.hooks.example'])
      expect(pieces).toContain(s);
    const scrubbed = scrub('POST https://tok3nhost.hooks.example/bot123:AAtoken failed', pieces);
    expect(scrubbed).not.toMatch(/tok3nhost|bot123|AAtoken/);
    expect(scrubbed).toMatch(/^POST https:\/\/\[redacted\].* failed$/);
  });
});

describe('the process-wide registry', () => {
  afterEach(() => clearRegisteredSecrets());

  it('scrubs registered secrets from every log line, whatever field or message carries them', () => {
    registerSecrets(['Sup3r-Secret-Pw', 'x']);
    let out = '';
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        out += String(chunk);
        done();
      },
    });
    const log = createLogger('t', 'info', sink);
    log.info({ detail: 'auth failed for Sup3r-Secret-Pw' }, 'connect with Sup3r-Secret-Pw failed');
    log.info('x marks nothing: too short to register');
    expect(out).toContain('connect with [redacted] failed');
    expect(out).not.toContain('Sup3r-Secret-Pw');
    expect(out).toContain('x marks nothing');
  });
});

/** Every config path whose name says it holds a credential, from the schema itself. */
function secretPaths(schema: unknown, path = ''): string[] {
  const s = schema as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    if (/password|secret|token|apikey|credential/i.test(k) && (v as { type?: string }).type === 'string') out.push(p);
    out.push(...secretPaths(v, p));
  }
  if (s.items) out.push(...secretPaths(s.items, `${path}[]`));
  for (const alt of (s.anyOf ?? []) as unknown[]) out.push(...secretPaths(alt, path));
  return [...new Set(out)].sort();
}

describe('configSecrets covers every credential of the config', () => {
  it('the schema has exactly the credentials configSecrets knows (a new one must be added there)', () => {
    expect(secretPaths(Config)).toEqual([
      'alerts.receivers[].secret',
      'api.tokens[].token',
      'clickhouse.password',
      'clickhouse.users.migrator.password',
      'clickhouse.users.reader.password',
      'clickhouse.users.writer.password',
      'collector.clusters[].password',
      'collector.instances[].password',
      'kafka.sasl.password',
    ]);
  });

  it('and returns each of them, and the tokens of webhook URLs', () => {
    const base = defaultConfig();
    const c: ConfigType = {
      ...base,
      kafka: { ...base.kafka, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'KAFKA-pw-1' } },
      clickhouse: {
        ...base.clickhouse,
        password: 'CH-pw-base',
        users: {
          migrator: { username: 'm', password: 'CH-pw-migrator' },
          writer: { username: 'w', password: 'CH-pw-writer' },
          reader: { username: 'r', password: 'CH-pw-reader' },
        },
      },
      collector: {
        ...base.collector,
        clusters: [{ name: 'c', seeds: ['h:1'], password: 'REDIS-pw-cluster' }],
        instances: [{ address: 'h:2', password: 'REDIS-pw-instance' }],
      },
      api: { ...base.api, tokens: [{ name: 'a', token: 'API-token-0123456789', scope: 'read' }] },
      alerts: {
        ...base.alerts,
        receivers: [
          {
            name: 'r',
            type: 'dingtalk',
            url: 'https://oapi.dingtalk.com/robot/send?access_token=DT-tok-1',
            secret: 'SEC-1',
          },
          { name: 't', type: 'webhook', url: 'https://api.telegram.org/bot123456:TG-tok-2/sendMessage' },
        ],
      },
    };
    const secrets = configSecrets(c);
    for (const s of ['KAFKA-pw-1', 'CH-pw-base', 'CH-pw-migrator', 'CH-pw-writer', 'CH-pw-reader', 'REDIS-pw-cluster'])
      expect(secrets).toContain(s);
    for (const s of ['REDIS-pw-instance', 'API-token-0123456789', 'DT-tok-1', 'SEC-1', 'bot123456:TG-tok-2'])
      expect(secrets).toContain(s);
    // Words of a URL are not secrets: scrubbing "robot" or "send" from every log line would garble them.
    expect(secrets).not.toContain('robot');
  });
});
