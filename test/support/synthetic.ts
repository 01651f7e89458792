// Valid InfoSampleV1 messages with made-up values, for tests that need many of them.
import type { InfoSampleV1 } from '../../contracts/index.ts';

export function syntheticInfo(cluster: string, i: number, instances = 6): InfoSampleV1 {
  const port = 7000 + (i % instances);
  return {
    v: 1,
    kind: 'info',
    ts: Date.now(),
    instance: { id: `10.0.0.1:${port}`, host: '10.0.0.1', port, cluster },
    collector: 'test',
    durationUs: 150,
    role: 'master',
    fields: {
      connected_clients: 10 + (i % 7),
      used_memory: 1_000_000 + i,
      keyspace_keys: i,
      keyspace_expires: 0,
      keyspace_keys_without_ttl: i,
    },
    text: { redis_version: '7.0.15', role: 'master' },
    commands: [
      {
        command: 'get',
        calls: i * 10,
        usec: i * 20,
        callsDelta: 10,
        usecDelta: 20,
        p50Us: 1.5,
        p99Us: 4,
        p999Us: 9,
        latencyBuckets: [2, 6, 2],
      },
      { command: 'set', calls: i * 5, usec: i * 15, callsDelta: 5, usecDelta: 15, latencyBuckets: [0, 0, 3, 2] },
    ],
    errors: [{ error: 'MOVED', count: i, countDelta: 1 }],
    keyspace: [{ db: 0, keys: i, expires: 0, avgTtlMs: 0 }],
    replicas: [],
    intervalMs: 1000,
    latencyHistogram: 'ok',
  };
}
