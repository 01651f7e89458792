import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { HealthEndpoint } from './config-health.ts';

// The `alerts` section of the configuration: timing of the alert lifecycle, routes and
// chat receivers. Webhook URLs and signing secrets are secrets: validation messages name
// the key (`/alerts/receivers/0/url`) and never the value.

const Millis = (min: number, max: number, def: number) => Type.Integer({ minimum: min, maximum: max, default: def });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' });

/** Receivers whose webhook can be signed with a secret; the others have no use for one. */
const SIGNED_TYPES: ReadonlySet<string> = new Set(['dingtalk', 'feishu']);

export const ReceiverConfig = Type.Object(
  {
    name: Name,
    // Enum, not a union of literals: one error line ("must be equal to one of the allowed values") instead of five.
    type: Type.Enum(['slack', 'dingtalk', 'feishu', 'wecom', 'webhook']),
    /** The webhook URL, token included: a secret. */
    url: Type.String({ pattern: '^https?://' }),
    /** DingTalk / Feishu signing secret: a secret. */
    secret: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const RouteConfig = Type.Object(
  {
    /** Every given field must equal the alert's; `{}` matches every alert. */
    match: Type.Object(
      {
        rule: Type.Optional(Type.String({ minLength: 1 })),
        severity: Type.Optional(Type.Enum(['info', 'warning', 'critical'])),
        cluster: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    receiver: Name,
  },
  { additionalProperties: false },
);

export const AlertsConfig = Type.Object(
  {
    /** Base URLs for the links in chat messages. */
    grafanaUrl: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:3000' }),
    apiUrl: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8080' }),
    /** A new group waits this long for more alerts before its first message (failover → chat within 2 s). */
    groupWaitMs: Millis(0, 60_000, 200),
    /** A group that has sent a message sends its next changes at most this often. */
    groupIntervalMs: Millis(0, 86_400_000, 30_000),
    /** A still-firing alert is reminded this often. */
    repeatIntervalMs: Millis(60_000, 604_800_000, 14_400_000),
    /** After a resolved message, a re-fire of the same alert waits this long (a flapping node: at most one firing + one resolved message per cooldown). */
    cooldownMs: Millis(0, 86_400_000, 300_000),
    /** Chat delivery retries: exponential backoff from retryInitialMs up to retryMaxMs, until delivered. */
    retryInitialMs: Millis(10, 600_000, 1000),
    retryMaxMs: Millis(10, 3_600_000, 60_000),
    /** One HTTP attempt towards a chat endpoint. */
    requestTimeoutMs: Millis(100, 120_000, 10_000),
    /** Kafka consumer groups of the alert manager and of chat delivery. */
    managerGroupId: Type.String({ minLength: 1, default: 'redscope-alerts' }),
    deliveryGroupId: Type.String({ minLength: 1, default: 'redscope-delivery' }),
    /**
     * Optional heartbeat (like Alertmanager's Watchdog): a message to `receiver` every
     * `everyMs` while the whole pipeline works — it is sent only when the stream
     * processor's watchdog events reach the manager. Point a dead man's switch at it.
     */
    heartbeat: Type.Object(
      {
        /** A receiver name; '' = off. */
        receiver: Type.String({ maxLength: 100, default: '' }),
        everyMs: Millis(60_000, 604_800_000, 3_600_000),
      },
      { additionalProperties: false, default: {} },
    ),
    /** First matching route wins; an alert no route matches is recorded but not sent. */
    routes: Type.Array(RouteConfig, { default: [] }),
    receivers: Type.Array(ReceiverConfig, { default: [] }),
    /** GET /health of the alert manager (consumer lag per partition, last insert, last error); port 0 picks one, null turns it off. */
    health: HealthEndpoint(9123),
  },
  { additionalProperties: false, default: {} },
);

export type ReceiverConfig = Static<typeof ReceiverConfig>;
export type RouteConfig = Static<typeof RouteConfig>;
export type AlertsConfig = Static<typeof AlertsConfig>;
export type ReceiverType = ReceiverConfig['type'];

/** The alerts section at its defaults (from the schema's `default:`). */
export function defaultAlertsConfig(): AlertsConfig {
  return Value.Default(AlertsConfig, {}) as AlertsConfig;
}

/**
 * What the schema cannot say: unique receiver names, routes naming a configured receiver,
 * parseable URLs, a secret only where it is used. Messages name the key, never a value.
 */
export function alertsConfigProblems(alerts: AlertsConfig): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  alerts.receivers.forEach((r, i) => {
    if (names.has(r.name))
      problems.push(`/alerts/receivers/${i}/name: duplicate receiver name ${JSON.stringify(r.name)}`);
    names.add(r.name);
    if (!URL.canParse(r.url)) problems.push(`/alerts/receivers/${i}/url: not a valid URL`);
    if (r.secret !== undefined && !SIGNED_TYPES.has(r.type))
      problems.push(`/alerts/receivers/${i}/secret: only dingtalk and feishu receivers are signed`);
  });
  alerts.routes.forEach((route, i) => {
    if (!names.has(route.receiver))
      problems.push(`/alerts/routes/${i}/receiver: no receiver named ${JSON.stringify(route.receiver)}`);
  });
  if (alerts.retryMaxMs < alerts.retryInitialMs) problems.push('/alerts/retryMaxMs: must be >= retryInitialMs');
  if (alerts.heartbeat.receiver !== '' && !names.has(alerts.heartbeat.receiver))
    problems.push(`/alerts/heartbeat/receiver: no receiver named ${JSON.stringify(alerts.heartbeat.receiver)}`);
  return problems;
}
