// The contract of every sample topic, in one map: the collector's `Sample` and the stream
// processor's handlers both read it, so a message can only be produced to, and is only
// validated against, the topic whose contract it matches.
import type { Static } from 'typebox';
import { ClientsSampleV1 } from './clients.ts';
import { ConfigAuditSampleV1 } from './config-audit.ts';
import { HotKeysV1 } from './hotkeys.ts';
import { InfoSampleV1 } from './info-sample.ts';
import { InstanceStatusV1 } from './instance-status.ts';
import { KeyspaceScanV1 } from './keyspace.ts';
import { LatencySampleV1 } from './latency.ts';
import { SlowlogSampleV1 } from './slowlog.ts';
import { type SampleTopic, TOPICS } from './topics.ts';
import { TopologySampleV1, TopologySampleV2 } from './topology.ts';

/** Each sample topic's contract (`satisfies`: a topic without one, or one too many, fails to compile). */
export const SAMPLE_CONTRACTS = {
  [TOPICS.info]: InfoSampleV1,
  [TOPICS.status]: InstanceStatusV1,
  [TOPICS.topology]: TopologySampleV2,
  [TOPICS.topologyV1]: TopologySampleV1,
  [TOPICS.slowlog]: SlowlogSampleV1,
  [TOPICS.latency]: LatencySampleV1,
  [TOPICS.clients]: ClientsSampleV1,
  [TOPICS.configAudit]: ConfigAuditSampleV1,
  [TOPICS.keyspace]: KeyspaceScanV1,
  [TOPICS.hotkeys]: HotKeysV1,
} as const satisfies Record<SampleTopic, unknown>;

/** The message type of a sample topic. */
export type SampleMessage<T extends SampleTopic> = Static<(typeof SAMPLE_CONTRACTS)[T]>;

/**
 * A message ready for Kafka: a topic and a value of that topic's contract. A union over the
 * topics, so `{ topic: TOPICS.info, value: slowlogSample }` does not compile.
 */
export type Sample = { [T in SampleTopic]: { topic: T; value: SampleMessage<T> } }[SampleTopic];
