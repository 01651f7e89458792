// Dry runs (`redscope doctor`): each chat's refusal of an empty message is read as "token
// accepted" or "token rejected"; anything else is "unknown", never a false all-clear.
import { describe, expect, it } from 'vitest';
import { response } from './fixtures.ts';
import { NOTIFIERS } from './index.ts';

const judge = (type: keyof typeof NOTIFIERS, status: number, body: unknown) =>
  NOTIFIERS[type].probe!.judge(response(status, body)).status;

describe('chat dry runs', () => {
  it('every chat with a dry run sends an empty message, which no chat posts', () => {
    for (const n of Object.values(NOTIFIERS)) if (n.probe) expect(n.probe.payload).toEqual({});
    expect(NOTIFIERS.webhook.probe).toBeUndefined(); // a generic webhook cannot be asked without being triggered
  });

  it.each([
    ['slack', 400, 'no_text', 'ok'],
    ['slack', 403, 'invalid_token', 'fail'],
    ['slack', 404, 'no_service', 'fail'],
    ['slack', 410, 'channel_is_archived', 'fail'],
    ['slack', 400, '{"message":"No text specified"}', 'ok'], // Mattermost
    ['slack', 200, 'ok', 'unknown'],
    ['dingtalk', 200, { errcode: 300001, errmsg: 'token is not exist' }, 'fail'],
    ['dingtalk', 200, { errcode: 310000, errmsg: 'sign not match' }, 'fail'],
    ['dingtalk', 200, { errcode: 40035, errmsg: '缺少参数 json' }, 'ok'],
    ['feishu', 200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid' }, 'fail'],
    ['feishu', 200, { code: 19021, msg: 'sign match fail' }, 'fail'],
    ['feishu', 400, { code: 19002, msg: 'params error, msg_type need' }, 'ok'],
    ['wecom', 200, { errcode: 93000, errmsg: 'invalid webhook url' }, 'fail'],
    ['wecom', 200, { errcode: 40008, errmsg: 'invalid message type' }, 'ok'],
    ['wecom', 502, '<html>bad gateway</html>', 'unknown'],
  ] as const)('%s answering %i %j → %s', (type, status, body, verdict) => {
    expect(judge(type, status, body)).toBe(verdict);
  });
});
