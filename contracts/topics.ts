// Kafka topics, one per kind of sample, versioned in the name so a breaking change to a
// contract gets a new topic instead of poisoning consumers of the old one.
export const TOPICS = {
  info: 'redscope.info.v1',
  /** Reachability of each instance as its collector sees it. */
  status: 'redscope.status.v1',
  /** Node lists only on change and at keyframes (contracts/topology.ts says how to rebuild a view). */
  topology: 'redscope.topology.v2',
  /** Whole node lists on every sample: written by collectors before v2, still consumed. */
  topologyV1: 'redscope.topology.v1',
  slowlog: 'redscope.slowlog.v1',
  latency: 'redscope.latency.v1',
  clients: 'redscope.clients.v1',
  configAudit: 'redscope.config-audit.v1',
  keyspace: 'redscope.keyspace.v1',
  hotkeys: 'redscope.hotkeys.v1',
  /** Alert events from detectors, consumed by the alert manager. */
  alerts: 'redscope.alerts.v1',
  /** Rendered chat deliveries waiting to be sent (the durable outbox). */
  notifications: 'redscope.notifications.v1',
  deadLetter: 'redscope.deadletter.v1',
} as const;

type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
export type SampleTopic = Exclude<
  TopicName,
  typeof TOPICS.deadLetter | typeof TOPICS.alerts | typeof TOPICS.notifications
>;

/**
 * The Kafka key of a sample. By instance, so one instance's samples stay in order on one
 * partition; topology by cluster, so every observer's view of a cluster reaches the one
 * stream processor that owns that cluster's failover and cluster-state detectors.
 */
export function sampleKey(topic: SampleTopic, value: { instance: { id: string; cluster: string } }): string {
  return topic === TOPICS.topology ? value.instance.cluster : value.instance.id;
}

/** Topics the collector produces to (and creates); the stream processor consumes those it has handlers for (and topologyV1). */
export const SAMPLE_TOPICS: readonly SampleTopic[] = [
  TOPICS.info,
  TOPICS.status,
  TOPICS.topology,
  TOPICS.slowlog,
  TOPICS.latency,
  TOPICS.clients,
  TOPICS.configAudit,
  TOPICS.keyspace,
  TOPICS.hotkeys,
];
