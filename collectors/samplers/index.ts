// The registry of samplers: one line each.
import type { Config } from '../../common/config.ts';
import type { Sampler } from '../sampler.ts';
import { infoSampler } from './info.ts';

export function buildSamplers(config: Config['collector']): Sampler[] {
  return [infoSampler({ everyMs: config.infoEveryMs, timeoutMs: config.timeoutMs })];
}
