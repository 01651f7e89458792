// Runs a sampler once and checks every message against its topic's contract, the way the
// stream processor will validate it (stream/handlers.ts).
import { expect } from 'vitest';
import type { Sample, Sampler, SamplerContext, Target } from '../../collectors/sampler.ts';
import {
  ClientsSampleV1,
  ConfigAuditSampleV1,
  HotKeysV1,
  InfoSampleV1,
  KeyspaceScanV1,
  LatencySampleV1,
  SlowlogSampleV1,
  TOPICS,
  TopologySampleV2,
  validator,
  type SampleTopic,
} from '../../contracts/index.ts';

const checks: Partial<Record<SampleTopic, (v: unknown) => { ok: boolean; reason?: string }>> = {
  [TOPICS.info]: validator(InfoSampleV1),
  [TOPICS.topology]: validator(TopologySampleV2),
  [TOPICS.slowlog]: validator(SlowlogSampleV1),
  [TOPICS.latency]: validator(LatencySampleV1),
  [TOPICS.clients]: validator(ClientsSampleV1),
  [TOPICS.configAudit]: validator(ConfigAuditSampleV1),
  [TOPICS.keyspace]: validator(KeyspaceScanV1),
  [TOPICS.hotkeys]: validator(HotKeysV1),
};

/** Fails the test unless `value` matches the contract of `topic`. */
export function expectContract(topic: SampleTopic, value: unknown): void {
  const check = checks[topic];
  if (!check) throw new Error(`no contract check for ${topic}`);
  expect(check(value).reason ?? 'valid').toBe('valid');
}

/** Runs one sample and checks every message against its topic's contract. */
export async function sampleOf<T>(
  sampler: Sampler,
  target: Target,
  ctx: SamplerContext,
  topic: SampleTopic,
): Promise<T[]> {
  const samples: Sample[] = await sampler.sample(target, ctx, new AbortController().signal);
  for (const s of samples) {
    expect(s.topic).toBe(topic);
    expectContract(topic, s.value);
  }
  return samples.map((s) => s.value as T);
}
