import { describe, expect, it } from 'vitest';
import type { Sample } from '../collectors/sampler.ts';
import {
  SAMPLE_CONTRACTS,
  SAMPLE_TOPICS,
  TOPICS,
  validator,
  type InfoSampleV1,
  type SampleTopic,
  type SlowlogSampleV1,
} from './index.ts';

const instance = { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'c' };
const slowlog: SlowlogSampleV1 = {
  v: 1,
  kind: 'slowlog',
  ts: 1_795_600_000_000,
  instance,
  collector: 'h',
  runId: 'r',
  reset: false,
  missed: 0,
  entries: [],
};

describe('Sample binds its topic to its contract', () => {
  it('has a contract for every topic collectors produce to, and for the older topology topic', () => {
    const topics: SampleTopic[] = [...SAMPLE_TOPICS, TOPICS.topologyV1];
    expect(Object.keys(SAMPLE_CONTRACTS).sort()).toEqual(topics.sort());
  });

  it('compiles a message on its own topic only (tsc checks the @ts-expect-error lines)', () => {
    const right: Sample = { topic: TOPICS.slowlog, value: slowlog };
    // @ts-expect-error a slowlog sample on the info topic
    const wrong: Sample = { topic: TOPICS.info, value: slowlog };
    // @ts-expect-error not a sample topic
    const alerts: Sample = { topic: TOPICS.alerts, value: slowlog };
    const narrowed = (s: Sample): InfoSampleV1 | undefined => (s.topic === TOPICS.info ? s.value : undefined);
    expect(narrowed(right)).toBeUndefined();
    // At run time the processor holds each topic to the same contract.
    expect(validator(SAMPLE_CONTRACTS[right.topic])(right.value).ok).toBe(true);
    expect(validator(SAMPLE_CONTRACTS[TOPICS.info])(wrong.value).ok).toBe(false);
    expect(alerts.topic).toBe(TOPICS.alerts);
  });
});
