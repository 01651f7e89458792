// What the processor does with each topic: validate against the topic's contract, then
// turn the message into rows. A new stream is one entry here.
import {
  ClientsSampleV1,
  ConfigAuditSampleV1,
  HotKeysV1,
  InfoSampleV1,
  KeyspaceScanV1,
  InstanceStatusV1,
  LatencySampleV1,
  SlowlogSampleV1,
  TopologySampleV1,
  TopologySampleV2,
  topologyV1ToV2,
  TOPICS,
  validator,
  type Validation,
} from '../contracts/index.ts';
import { infoRows } from './rows/info-rows.ts';
import { statusRows } from './rows/status-rows.ts';
import { topologyRows } from './rows/topology-rows.ts';
import { slowlogRows } from './rows/slowlog-rows.ts';
import { latencyRows } from './rows/latency-rows.ts';
import { clientsRows } from './rows/clients-rows.ts';
import { configAuditRows } from './rows/config-audit-rows.ts';
import { keyspaceRows } from './rows/keyspace-rows.ts';
import { hotkeysRows } from './rows/hotkeys-rows.ts';
import type { KafkaSource, TableRows } from './rows/source.ts';

export interface TopicHandler {
  topic: string;
  /** Raw tables this topic writes; each has a watermark view (migrations/0002). */
  tables: readonly string[];
  /** Validates, and brings an older contract version to the current one. */
  validate(input: unknown): Validation<unknown>;
  toRows(message: unknown, src: KafkaSource): TableRows;
  /** The topic the detectors see the (upgraded) message on. */
  detectorTopic: string;
}

function handler<T>(
  topic: string,
  tables: string[],
  validate: (i: unknown) => Validation<T>,
  toRows: (m: T, s: KafkaSource) => TableRows,
  detectorTopic = topic,
): TopicHandler {
  return { topic, tables, validate, toRows: (m, s) => toRows(m as T, s), detectorTopic };
}

/** A handler for an older version of a topic: validated against its own contract, then upgraded. */
function upgraded<Old, New>(
  current: TopicHandler,
  topic: string,
  validate: (i: unknown) => Validation<Old>,
  upgrade: (m: Old) => New,
): TopicHandler {
  return {
    ...current,
    topic,
    validate: (input) => {
      const r = validate(input);
      return r.ok ? { ok: true, value: upgrade(r.value) } : r;
    },
  };
}

const topology = handler(
  TOPICS.topology,
  ['topology_samples', 'topology_nodes', 'topology_changes'],
  validator(TopologySampleV2),
  topologyRows,
);

export const HANDLERS: readonly TopicHandler[] = [
  handler(TOPICS.info, ['info_samples'], validator(InfoSampleV1), infoRows),
  handler(TOPICS.status, ['instance_status'], validator(InstanceStatusV1), statusRows),
  topology,
  upgraded(topology, TOPICS.topologyV1, validator(TopologySampleV1), topologyV1ToV2),
  handler(TOPICS.slowlog, ['slowlog'], validator(SlowlogSampleV1), slowlogRows),
  handler(TOPICS.latency, ['latency_probes', 'latency_events'], validator(LatencySampleV1), latencyRows),
  handler(TOPICS.clients, ['client_summaries'], validator(ClientsSampleV1), clientsRows),
  handler(TOPICS.configAudit, ['config_audits', 'config_findings'], validator(ConfigAuditSampleV1), configAuditRows),
  handler(TOPICS.keyspace, ['key_patterns', 'big_keys'], validator(KeyspaceScanV1), keyspaceRows),
  handler(TOPICS.hotkeys, ['hot_keys'], validator(HotKeysV1), hotkeysRows),
];

export function handlerFor(topic: string): TopicHandler | undefined {
  return HANDLERS.find((h) => h.topic === topic);
}
