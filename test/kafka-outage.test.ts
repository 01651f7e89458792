// A Kafka outage during sampling loses nothing: the collector keeps sampling into its
// bounded queue (and, past a tiny memory bound, its disk spill) while its broker is down,
// says so on GET /health (503), and delivers the backlog once the broker is back. Uses a
// broker of its own (other ports, own data dir), so stopping it does not disturb other tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { createKafka } from '../common/kafka.ts';
import { TOPICS, type InfoSampleV1 } from '../contracts/index.ts';
import { stackDataDir } from '../stack/index.ts';
import { startKafka, stopKafka } from '../stack/kafka.ts';
import { eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

const port = Number(process.env.REDSCOPE_TEST_OUTAGE_KAFKA_PORT ?? 19192);
const dataDir = join(stackDataDir(), 'kafka-outage');
const log = () => {};
afterAll(() => stopKafka(dataDir, log));

describe('Kafka outage during sampling', () => {
  it('samples taken while the broker is down are delivered after it comes back, none lost', async () => {
    await startKafka({ port, controllerPort: port + 1, dataDir, log });
    const base = testConfig();
    const name = uniqueName('outage');
    const config = {
      ...base,
      kafka: { ...base.kafka, brokers: [`127.0.0.1:${port}`], topicPartitions: 1 },
      collector: { ...base.collector, name, infoEveryMs: 250 },
    };
    const running = await startCollector(config, quietLog);
    const health = async () => (await fetch(`${running.healthUrl}/health`)).status;
    try {
      await eventually(
        async () => running.sink.stats().sent,
        (n) => n > 20,
        { what: 'samples delivered before the outage' },
      );
      expect(await health()).toBe(200);

      await stopKafka(dataDir, log);
      const downAt = Date.now();
      await eventually(
        async () => running.sink.stats().queued,
        (n) => n > 50,
        { what: 'samples queueing while Kafka is down' },
      );
      await sleep(Math.max(0, 4000 - (Date.now() - downAt)));
      await eventually(health, (s) => s === 503, { timeoutMs: 40_000, what: 'GET /health to report the outage' });

      await startKafka({ port, controllerPort: port + 1, dataDir, log });
      await backlogDelivered(running);
      expect(await health()).toBe(200);
    } finally {
      await running.stop();
    }
    expect(running.sink.stats().dropped).toBe(0);

    // Every INFO sample of every instance is in the topic, without a gap in its schedule.
    const samples = await readInfoSamples(config, name);
    expectNoGaps(samples, 0, Infinity, 6000);
  });

  it('past a tiny memory bound samples go to the disk spill, survive a collector restart during the outage, and all arrive', async () => {
    await startKafka({ port, controllerPort: port + 1, dataDir, log });
    const base = testConfig();
    const name = uniqueName('spill');
    const spill = { dir: mkdtempSync(join(tmpdir(), 'redscope-spill-test-')), maxBytes: 64 * 1024 * 1024 };
    const config = {
      ...base,
      kafka: { ...base.kafka, brokers: [`127.0.0.1:${port}`], topicPartitions: 1 },
      collector: { ...base.collector, name, infoEveryMs: 250, bufferMaxMessages: 100, spill },
    };
    let mostOnDisk = 0;
    const watchSpill = (running: RunningCollector) =>
      setInterval(() => (mostOnDisk = Math.max(mostOnDisk, running.sink.stats().spill?.messages ?? 0)), 100);

    const first = await startCollector(config, quietLog);
    const firstWatch = watchSpill(first);
    const firstRun = { from: Date.now(), to: 0 };
    try {
      await eventually(
        async () => first.sink.stats().sent,
        (n) => n > 20,
        { what: 'samples delivered before the outage' },
      );
      await stopKafka(dataDir, log);
      // Well past the 100-message memory bound: most of it is on disk now.
      await eventually(
        async () => first.sink.stats().spill?.messages ?? 0,
        (n) => n > 300,
        { timeoutMs: 60_000, what: 'samples spilled to disk' },
      );
    } finally {
      clearInterval(firstWatch);
      await first.stop();
      firstRun.to = Date.now();
    }
    expect(first.sink.stats().dropped).toBe(0);

    // A new collector process on the same spill directory, while Kafka is still down.
    const second = await startCollector(config, quietLog);
    const secondWatch = watchSpill(second);
    const secondRun = { from: Date.now(), to: 0 };
    try {
      expect(second.sink.stats().queued).toBeGreaterThan(300);
      await sleep(3000);
      await startKafka({ port, controllerPort: port + 1, dataDir, log });
      await backlogDelivered(second);
    } finally {
      clearInterval(secondWatch);
      await second.stop();
      secondRun.to = Date.now();
    }
    expect(second.sink.stats().dropped).toBe(0);
    expect(mostOnDisk).toBeGreaterThan(300);

    // Both runs' INFO samples are all in the topic: no gap inside either run, the outage included.
    const samples = await readInfoSamples(config, name);
    expectNoGaps(samples, firstRun.from, firstRun.to, 3000);
    expectNoGaps(samples, secondRun.from, secondRun.to, 3000);
  });
});

/**
 * Everything queued now (oldest first) has been sent. Not "the queue is empty": sampling goes
 * on, and samples wait up to the send linger, so the queue is rarely empty at an instant.
 */
async function backlogDelivered(running: RunningCollector): Promise<void> {
  const { queued: backlog, sent: sentBefore } = running.sink.stats();
  await eventually(
    async () => running.sink.stats(),
    (s) => s.sent - sentBefore >= backlog,
    {
      timeoutMs: 90_000,
      what: `the backlog of ${backlog} samples delivered`,
    },
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last Kafka error: ${running.sink.stats().lastError})`);
  });
}

/** This collector's INFO samples in the topic, read until the count stops growing for 3 s. */
async function readInfoSamples(config: ReturnType<typeof testConfig>, collectorName: string): Promise<InfoSampleV1[]> {
  const kafka = createKafka(config.kafka, quietLog);
  const consumer = kafka.consumer({ groupId: uniqueName('outage-reader') });
  const samples: InfoSampleV1[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.info, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const m = JSON.parse(message.value!.toString()) as InfoSampleV1;
      if (m.collector === collectorName) samples.push(m);
    },
  });
  try {
    let last = -1;
    await eventually(
      async () => {
        const settled = samples.length > 0 && samples.length === last;
        last = samples.length;
        return settled;
      },
      Boolean,
      { timeoutMs: 60_000, intervalMs: 3000, what: 'reading the topic back' },
    );
  } finally {
    await consumer.disconnect();
  }
  return samples;
}

/** Every one of the 6 instances was sampled from `from` to `to` (ms) every 250 ms, with no sample missing (gap < 1.5 s). */
function expectNoGaps(samples: readonly InfoSampleV1[], from: number, to: number, minSpanMs: number): void {
  const byInstance = new Map<string, number[]>();
  for (const s of samples)
    if (s.ts >= from && s.ts <= to) byInstance.set(s.instance.id, [...(byInstance.get(s.instance.id) ?? []), s.ts]);
  expect(byInstance.size).toBe(6);
  for (const [id, ts] of byInstance) {
    ts.sort((a, b) => a - b);
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    expect(Math.max(...gaps), `largest gap between samples of ${id}`).toBeLessThan(1500);
    expect(ts.at(-1)! - ts[0]!, `${id} sampled across the outage`).toBeGreaterThan(minSpanMs);
  }
}
