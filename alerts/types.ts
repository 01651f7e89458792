// Shapes shared by the alert manager, the notifiers and chat delivery.
import type { AlertEventV1 } from '../contracts/index.ts';
import type { ReceiverConfig, ReceiverType } from '../common/config-alerts.ts';

export type { ReceiverConfig, ReceiverType };

/**
 * Why an alert is in a message: it started (for events and reports possibly already over:
 * then `resolvedAtMs` is set and the message says both), it is still firing (reminder),
 * it ended, or its cause became known after it was announced (events).
 */
export type NoticeKind = 'firing' | 'repeat' | 'resolved' | 'follow-up';

export interface GroupedAlert {
  /** The latest event for this fingerprint (summary, instance, hints…). */
  event: AlertEventV1;
  kind: NoticeKind;
  /** Detector time the current (or last) firing began, unix ms. */
  firingSinceMs: number;
  /** Detector time it resolved, unix ms; 0 while firing. */
  resolvedAtMs: number;
  /** Times it fired again after resolving since the last message about it (flapping). */
  flaps: number;
}

/** One chat message: the alerts of one cluster and rule routed to one receiver. */
export interface AlertGroup {
  receiver: string;
  cluster: string;
  rule: string;
  /** Firing and reminders first, then resolved. */
  alerts: GroupedAlert[];
  /** Other alerts of this group still firing but already reported (context, not repeated). */
  alsoFiring: number;
  links: { dashboard: string; api: string };
}

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Verdict = 'ok' | 'retry' | 'fail';

/** A chat API's JSON body. */
export type ChatPayload = Record<string, unknown>;

/**
 * One per chat, in notifiers/. A notifier only builds messages and judges responses;
 * retries, dedup and grouping live once above it (manager.ts, common/retry.ts, outbox-consumer.ts).
 *
 * Rendering is split from the HTTP request (unlike STYLE.md's single `render → HttpRequest`)
 * because the rendered body waits in the Kafka outbox, where neither the webhook URL (a
 * secret) nor a signature (DingTalk/Feishu reject timestamps older than an hour) belongs.
 */
/** What a dry run's answer says about a receiver (`redscope doctor`). */
export interface ProbeVerdict {
  status: 'ok' | 'fail' | 'unknown';
  detail: string;
}

export interface Notifier {
  readonly name: ReceiverType;
  /** Pure: the chat message for a group, readable on a phone. */
  render(group: AlertGroup): ChatPayload;
  /** One attempt's request: the receiver's URL and, for signed webhooks, a fresh signature. */
  request(payload: ChatPayload, receiver: ReceiverConfig, nowMs: number): HttpRequest;
  /** ok, retry later (5xx, rate limit) or give up (bad request, bad token). */
  classify(res: HttpResponse): Verdict;
  /**
   * A dry run, for chats that allow one: `payload` is sent through `request` (signature
   * and all) and the chat refuses it without posting anything; `judge` reads the refusal —
   * a payload error means the token was accepted, a token or signature error means not.
   */
  readonly probe?: { payload: ChatPayload; judge(res: HttpResponse): ProbeVerdict };
}
