// Every chat redscope can send to. A new chat is one file in this folder (with its test)
// and one line here.
import type { Notifier, ReceiverType } from '../types.ts';
import { dingtalkNotifier } from './dingtalk.ts';
import { feishuNotifier } from './feishu.ts';
import { slackNotifier } from './slack.ts';
import { webhookNotifier } from './webhook.ts';
import { wecomNotifier } from './wecom.ts';

export const NOTIFIERS: Readonly<Record<ReceiverType, Notifier>> = {
  slack: slackNotifier,
  dingtalk: dingtalkNotifier,
  feishu: feishuNotifier,
  wecom: wecomNotifier,
  webhook: webhookNotifier,
};

export function notifierFor(type: ReceiverType): Notifier {
  return NOTIFIERS[type];
}
