// Threshold detectors over INFO: memory near maxmemory, evictions, rejected connections,
// replication link down, MOVED/ASK redirect storms.
import { counterRate, infoThresholdDetector } from './info-threshold.ts';
import { formatBytes, formatCount } from './events.ts';

export const memoryPressureDetector = infoThresholdDetector({
  rule: 'memory-near-maxmemory',
  severity: 'warning',
  enabled: (s) => s.memory.enabled,
  timings: (s) => ({ forMs: s.memory.forMs, clearForMs: 60_000 }),
  evaluate(m, _prev, s) {
    const used = m.fields.used_memory;
    const max = m.fields.maxmemory;
    if (used === undefined || !max) return undefined; // maxmemory 0 = unbounded: the config audit reports that
    const ratio = used / max;
    return {
      isTrue: ratio >= s.memory.usedRatio,
      summary: `${m.instance.id} uses ${(ratio * 100).toFixed(0)}% of maxmemory (${formatBytes(used)} of ${formatBytes(max)})`,
      details: `used_memory ${formatBytes(used)}, maxmemory ${formatBytes(max)}, policy ${m.text.maxmemory_policy ?? '?'}. At 100% Redis evicts keys or, with noeviction, rejects writes.`,
    };
  },
  resolvedSummary: (m) => `${m.instance.id} memory back below the threshold`,
});

export const evictionsDetector = infoThresholdDetector({
  rule: 'evictions',
  severity: 'warning',
  enabled: (s) => s.evictions.enabled,
  timings: (s) => ({ forMs: 0, clearForMs: s.evictions.quietMs }),
  remember: ['evicted_keys'],
  evaluate(m, prev, s) {
    const rate = counterRate(m, prev, 'evicted_keys');
    if (rate === undefined) return undefined;
    return {
      isTrue: rate > s.evictions.perSecond,
      summary: `${m.instance.id} is evicting keys (${rate.toFixed(1)}/s)`,
      details: `evicted_keys ${formatCount(m.fields.evicted_keys ?? 0)} in total; used_memory ${formatBytes(m.fields.used_memory ?? 0)} of maxmemory ${formatBytes(m.fields.maxmemory ?? 0)}, policy ${m.text.maxmemory_policy ?? '?'}.`,
    };
  },
  resolvedSummary: (m) => `${m.instance.id} stopped evicting keys`,
});

export const rejectedConnectionsDetector = infoThresholdDetector({
  rule: 'rejected-connections',
  severity: 'critical',
  enabled: (s) => s.rejectedConnections.enabled,
  timings: (s) => ({ forMs: 0, clearForMs: s.rejectedConnections.quietMs }),
  remember: ['rejected_connections'],
  evaluate(m, prev) {
    const rate = counterRate(m, prev, 'rejected_connections');
    if (rate === undefined) return undefined;
    return {
      isTrue: rate > 0,
      summary: `${m.instance.id} rejects connections (maxclients reached)`,
      details: `connected_clients ${formatCount(m.fields.connected_clients ?? 0)}, maxclients ${formatCount(m.fields.maxclients ?? 0)}, rejected ${rate.toFixed(1)}/s. Check client pool sizes and idle connections (timeout > 0).`,
    };
  },
  resolvedSummary: (m) => `${m.instance.id} accepts connections again`,
});

export const replicationLinkDetector = infoThresholdDetector({
  rule: 'replication-link-down',
  severity: 'critical',
  enabled: (s) => s.replicationLink.enabled,
  timings: (s) => ({ forMs: s.replicationLink.forMs, clearForMs: 0 }),
  evaluate(m) {
    if (m.role !== 'replica') return undefined;
    const status = m.text.master_link_status;
    if (status === undefined) return undefined;
    const master = `${m.text.master_host ?? '?'}:${m.fields.master_port ?? '?'}`;
    return {
      isTrue: status !== 'up',
      summary: `replica ${m.instance.id} lost its link to master ${master}`,
      details: `master_link_status ${status}, down for ${m.fields.master_link_down_since_seconds ?? '?'} s, sync in progress: ${m.fields.master_sync_in_progress ?? '?'}.`,
      labels: { master },
    };
  },
  resolvedSummary: (m) => `replica ${m.instance.id} linked to its master again`,
});

export const redirectStormDetector = infoThresholdDetector({
  rule: 'redirect-storm',
  severity: 'warning',
  enabled: (s) => s.redirectStorm.enabled,
  timings: (s) => ({ forMs: s.redirectStorm.forMs, clearForMs: 60_000 }),
  evaluate(m, _prev, s) {
    if (!m.intervalMs) return undefined;
    const moved = m.errors.find((e) => e.error === 'MOVED')?.countDelta ?? 0;
    const ask = m.errors.find((e) => e.error === 'ASK')?.countDelta ?? 0;
    const perSecond = (moved + ask) / (m.intervalMs / 1000);
    return {
      isTrue: perSecond >= s.redirectStorm.perSecond,
      summary: `${m.instance.id} answers ${perSecond.toFixed(0)} MOVED/ASK redirects per second`,
      details: `MOVED ${moved}, ASK ${ask} in the last ${m.intervalMs} ms. Clients are being redirected: slots are migrating (resharding) or clients use a stale slot map. Clients with a low max-redirections limit fail.`,
    };
  },
  resolvedSummary: (m) => `${m.instance.id} redirects back to normal`,
});
