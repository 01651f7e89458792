// The registry of samplers: one line each.
import type { Config } from '../../common/config.ts';
import type { Sampler } from '../sampler.ts';
import { infoSampler } from './info.ts';
import { topologySampler } from './topology.ts';
import { slowlogSampler } from './slowlog.ts';
import { latencySampler } from './latency.ts';
import { clientsSampler } from './clients.ts';
import { configAuditSampler } from './config-audit.ts';
import { keyspaceSampler } from './keyspace.ts';
import { hotKeysSampler } from './hotkeys.ts';

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
