// The `alerts` configuration: defaults, routes and receivers, and errors that name the
// key but never print a webhook URL or signing secret.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../common/config.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'redscope-alerts-config-')), 'redscope.yaml');
  writeFileSync(path, text);
  return path;
}

function errorOf(yaml: string): string {
  try {
    loadConfig({ file: file(yaml), env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return String(err);
  }
  throw new Error('expected a ConfigError');
}

const SECRET_URL = 'https://hooks.slack.com/services/T0SECRET/B0SECRET/tokenSECRET999';

describe('alerts configuration', () => {
  it('defaults: short group wait, 4 h repeat, no receivers', () => {
    const c = loadConfig({ env: {} });
    expect(c.alerts.groupWaitMs).toBeLessThanOrEqual(500);
    expect(c.alerts.repeatIntervalMs).toBe(4 * 3_600_000);
    expect(c.alerts.receivers).toEqual([]);
  });

  it('reads routes and receivers from the file', () => {
    const c = loadConfig({
      file: file(
        `alerts:\n  routes:\n    - match: { severity: critical }\n      receiver: oncall\n  receivers:\n    - { name: oncall, type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=x", secret: SECabc }\n`,
      ),
      env: {},
    });
    expect(c.alerts.routes).toEqual([{ match: { severity: 'critical' }, receiver: 'oncall' }]);
    expect(c.alerts.receivers[0]).toMatchObject({ name: 'oncall', type: 'dingtalk', secret: 'SECabc' });
    expect(c.alerts.cooldownMs).toBe(300_000); // defaults kept for keys the file does not set
  });

  it('names the bad key without printing the URL or secret', () => {
    const badUrl = errorOf(
      `alerts:\n  receivers:\n    - { name: a, type: slack, url: "hooks.slack.com/services/T0SECRET/B0SECRET/tokenSECRET999" }\n`,
    );
    expect(badUrl).toMatch(/\/alerts\/receivers\/0\/url/);
    expect(badUrl).not.toContain('tokenSECRET999');

    const badSecret = errorOf(
      `alerts:\n  receivers:\n    - { name: a, type: slack, url: "${SECRET_URL}", secret: signSECRET777 }\n`,
    );
    expect(badSecret).toMatch(/\/alerts\/receivers\/0\/secret: only dingtalk and feishu/);
    expect(badSecret).not.toContain('signSECRET777');
    expect(badSecret).not.toContain('tokenSECRET999');

    const badType = errorOf(`alerts:\n  receivers:\n    - { name: a, type: teams, url: "${SECRET_URL}" }\n`);
    expect(badType).toMatch(/\/alerts\/receivers\/0\/type/);
    expect(badType).not.toContain('tokenSECRET999');
  });

  it('a route must name a configured receiver, and receiver names are unique', () => {
    expect(errorOf(`alerts:\n  routes:\n    - { match: {}, receiver: nobody }\n`)).toMatch(
      /\/alerts\/routes\/0\/receiver: no receiver named "nobody"/,
    );
    expect(
      errorOf(
        `alerts:\n  receivers:\n    - { name: a, type: slack, url: "${SECRET_URL}" }\n    - { name: a, type: wecom, url: "${SECRET_URL}" }\n`,
      ),
    ).toMatch(/\/alerts\/receivers\/1\/name: duplicate/);
  });

  it('rejects an unknown match field and a group wait that is not a number of ms', () => {
    expect(errorOf(`alerts:\n  routes:\n    - { match: { instance: x }, receiver: a }\n`)).toMatch(
      /\/alerts\/routes\/0\/match/,
    );
    expect(errorOf(`alerts:\n  groupWaitMs: soon\n`)).toMatch(/\/alerts\/groupWaitMs/);
  });
});
