// What the processor does with each topic: validate against the topic's contract, then
// turn the message into rows. A new stream is one entry here.
import {
  SAMPLE_CONTRACTS,
  topologyV1ToV2,
  TOPICS,
  validator,
  type SampleMessage,
  type SampleTopic,
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
import type { RawTable } from './rows/schemas.ts';
import type { KafkaSource, TableRows } from './rows/source.ts';

export interface TopicHandler {
  topic: SampleTopic;
  /** Raw tables this topic writes; each has a watermark view (clickhouse/derived.ts). */
  tables: readonly RawTable[];
  /** Validates, and brings an older contract version to the current one. */
  validate(input: unknown): Validation<unknown>;
  toRows(message: unknown, src: KafkaSource): TableRows;
  /** The topic the detectors see the (upgraded) message on. */
  detectorTopic: string;
}

/** A topic's handler: validated against the topic's contract (contracts/samples.ts), whose type `toRows` takes. */
function handler<T extends SampleTopic>(
  topic: T,
  tables: RawTable[],
  toRows: (m: SampleMessage<T>, s: KafkaSource) => TableRows,
): TopicHandler {
  const validate: (i: unknown) => Validation<SampleMessage<T>> = validator(SAMPLE_CONTRACTS[topic]);
  return { topic, tables, validate, toRows: (m, s) => toRows(m as SampleMessage<T>, s), detectorTopic: topic };
}

/** A handler for an older version of a topic: validated against its own contract, then upgraded. */
function upgraded<T extends SampleTopic>(
  current: TopicHandler,
  topic: T,
  upgrade: (m: SampleMessage<T>) => unknown,
): TopicHandler {
  const validate: (i: unknown) => Validation<SampleMessage<T>> = validator(SAMPLE_CONTRACTS[topic]);
  return {
    ...current,
    topic,
    validate: (input) => {
      const r = validate(input);
      return r.ok ? { ok: true, value: upgrade(r.value) } : r;
    },
  };
}

const topology = handler(TOPICS.topology, ['topology_samples', 'topology_nodes', 'topology_changes'], topologyRows);

export const HANDLERS: readonly TopicHandler[] = [
  handler(TOPICS.info, ['info_samples'], infoRows),
  handler(TOPICS.status, ['instance_status'], statusRows),
  topology,
  upgraded(topology, TOPICS.topologyV1, topologyV1ToV2),
  handler(TOPICS.slowlog, ['slowlog'], slowlogRows),
  handler(TOPICS.latency, ['latency_probes', 'latency_events'], latencyRows),
  handler(TOPICS.clients, ['client_summaries'], clientsRows),
  handler(TOPICS.configAudit, ['config_audits', 'config_findings'], configAuditRows),
  handler(TOPICS.keyspace, ['key_patterns', 'big_keys'], keyspaceRows),
  handler(TOPICS.hotkeys, ['hot_keys'], hotkeysRows),
];

export function handlerFor(topic: string): TopicHandler | undefined {
  return HANDLERS.find((h) => h.topic === topic);
}
