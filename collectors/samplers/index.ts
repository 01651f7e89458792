// The registry of samplers: one line each.
import type { Config } from '../../common/config.ts';
import type { Sampler } from '../sampler.ts';
import { infoSampler } from './info/sampler.ts';
import { topologySampler } from './topology/sampler.ts';
import { slowlogSampler } from './slowlog/sampler.ts';
import { latencySampler } from './latency/sampler.ts';
import { clientsSampler } from './clients/sampler.ts';
import { configAuditSampler } from './config-audit/sampler.ts';
import { keyspaceSampler } from './keyspace/sampler.ts';
import { hotKeysSampler } from './hotkeys/sampler.ts';

export function buildSamplers(config: Config['collector']): Sampler[] {
  return [
    infoSampler({ everyMs: config.infoEveryMs, timeoutMs: config.timeoutMs }),
    topologySampler({ ...config.topology, timeoutMs: config.timeoutMs }),
    slowlogSampler({ ...config.slowlog, timeoutMs: config.timeoutMs }),
    latencySampler({ ...config.latency, timeoutMs: config.timeoutMs }),
    clientsSampler({ ...config.clients, timeoutMs: config.timeoutMs }),
    configAuditSampler({ ...config.configAudit, timeoutMs: config.timeoutMs }),
    keyspaceSampler({ ...config.keyspace, timeoutMs: config.timeoutMs }),
    hotKeysSampler({ ...config.keyspace, timeoutMs: config.timeoutMs }),
  ];
}
