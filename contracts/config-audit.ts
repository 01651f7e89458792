import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// CONFIG GET * (plus COMMAND INFO, ACL DRYRUN, CLUSTER NODES and, for local instances,
// /proc/sys/vm/overcommit_memory) checked against the operators' rules for Redis Cluster
// (redis-practices.md). One message per instance per audit (every 5 min by default) with
// every finding; an empty list means the audit ran and found nothing.
// Secrets (requirepass, masterauth, TLS key passphrases) never appear in a finding.

export const FindingSeverity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);
export type FindingSeverity = Static<typeof FindingSeverity>;

export const ConfigFinding = Type.Object(
  {
    /** Stable rule id, e.g. `timeout-zero`, `dangerous-command`, `replica-same-host`. */
    rule: Type.String({ minLength: 1, maxLength: 64 }),
    severity: FindingSeverity,
    /** The setting (or command, or host setting) the finding is about. */
    setting: Type.String({ maxLength: 128 }),
    /** Its current value as text. */
    value: Type.String({ maxLength: 1024 }),
    recommendation: Type.String({ maxLength: 1024 }),
    message: Type.String({ maxLength: 2048 }),
  },
  { additionalProperties: false },
);
export type ConfigFinding = Static<typeof ConfigFinding>;

export const ConfigAuditSampleV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('config-audit'),
    /** Sample time, unix milliseconds. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    collector: Type.String({ maxLength: 255 }),
    role: Type.Union([Type.Literal('master'), Type.Literal('replica'), Type.Literal('unknown')]),
    /** redis_version (or valkey_version) from INFO server. */
    version: Type.String({ maxLength: 64 }),
    /** Rule ids evaluated in this audit (a rule that could not run, e.g. no /proc access, is absent). */
    rulesChecked: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }),
    findings: Type.Array(ConfigFinding, { maxItems: 500 }),
    /**
     * `cluster-node-timeout` in milliseconds, on cluster nodes: the failover detector names a
     * command as a failover's cause only if it lasted a meaningful share of it.
     */
    clusterNodeTimeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ConfigAuditSampleV1 = Static<typeof ConfigAuditSampleV1>;
