// Runs a sampler once and checks every message against its topic's contract, the way the
// stream processor will validate it (stream/handlers.ts).
import { expect } from 'vitest';
import type { Sample, Sampler, SamplerContext, Target } from '../../collectors/sampler.ts';
import { SAMPLE_CONTRACTS, validator, type SampleTopic } from '../../contracts/index.ts';

/** The processor's check of each topic (stream/handlers.ts): the topic's contract. */
const checks = Object.fromEntries(
  Object.entries(SAMPLE_CONTRACTS).map(([topic, schema]) => [topic, validator(schema)]),
) as Partial<Record<SampleTopic, (v: unknown) => { ok: boolean; reason?: string }>>;

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
