// Real INFO payloads captured from a cluster, replayed as a fleet of many instances with
// varied values — what the pipeline benchmark feeds through Kafka.
import { Redis } from 'ioredis';
import { infoSampler } from '../collectors/samplers/info/sampler.ts';
import type { InfoSampleV1 } from '../contracts/index.ts';

/** INFO everything from each seed, parsed exactly as the collector does. */
export async function captureInfo(addresses: string[]): Promise<InfoSampleV1[]> {
  const sampler = infoSampler({ everyMs: 1000, timeoutMs: 5000 });
  const out: InfoSampleV1[] = [];
  for (const a of addresses) {
    const [host, port] = a.split(':');
    const redis = new Redis({ host, port: Number(port) });
    const ref = { id: a, host: host!, port: Number(port), cluster: 'capture' };
    await sampler.sample({ ref, redis }, { collector: 'bench' }, new AbortController().signal);
    const [s] = await sampler.sample({ ref, redis }, { collector: 'bench' }, new AbortController().signal); // second: with deltas
    out.push(s!.value as InfoSampleV1);
    redis.disconnect();
  }
  return out;
}

/** Sample `i` of the fleet at second `tick`: template values scaled a little, counters growing. */
export function fleetSample(
  templates: readonly InfoSampleV1[],
  i: number,
  tick: number,
  ts: number,
  clusterSize = 250,
): InfoSampleV1 {
  const t = templates[i % templates.length]!;
  const jitter = 0.9 + ((i * 7919 + tick * 104729) % 1000) / 5000;
  const fields: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.fields)) fields[k] = Number.isInteger(v) ? Math.round(v * jitter) : v * jitter;
  const port = 7000 + (i % clusterSize);
  return {
    ...t,
    ts,
    instance: {
      id: `10.${Math.floor(i / clusterSize)}.0.${i % 250}:${port}`,
      host: `10.${Math.floor(i / clusterSize)}.0.${i % 250}`,
      port,
      cluster: `cluster-${Math.floor(i / clusterSize)}`,
    },
    fields,
    commands: t.commands.map((c) => ({
      ...c,
      calls: c.calls + tick * 100,
      usec: c.usec + tick * 250,
      callsDelta: Math.round(100 * jitter),
      usecDelta: Math.round(250 * jitter),
    })),
    intervalMs: 1000,
  };
}
