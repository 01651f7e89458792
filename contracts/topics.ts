// Kafka topics, one per kind of sample, versioned in the name so a breaking change to a
// contract gets a new topic instead of poisoning consumers of the old one.
export const TOPICS = {
  info: 'redscope.info.v1',
  deadLetter: 'redscope.deadletter.v1',
} as const;

export type SampleTopic = Exclude<(typeof TOPICS)[keyof typeof TOPICS], typeof TOPICS.deadLetter>;

/** Topics the stream processor consumes. */
export const SAMPLE_TOPICS: readonly SampleTopic[] = [TOPICS.info];
