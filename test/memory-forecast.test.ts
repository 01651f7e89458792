// Time to maxmemory end to end (issue #10, item 7): a real Redis master with a small
// maxmemory (noeviction) is watched by the collector; the test keeps it idle, then writes
// at a steady rate, then stops. INFO samples travel through Kafka to the stream processor,
// whose memory-forecast detector must stay quiet while memory is flat, fire while it ramps
// ("reaches maxmemory in ~N min at +X/h; policy noeviction → writes will fail") and resolve
// once the growth has stopped. The detector's time scales are shrunk for the test (seconds
// instead of hours); its logic is the production one.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { createKafka } from '../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS, type AlertEventV1 } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { startStandaloneRedis, type StandaloneRedis } from './support/standalone-redis.ts';

const MAXMEMORY = 64 * 1024 * 1024;
const VALUE = 'x'.repeat(16 * 1024);
let redis: StandaloneRedis | undefined;
let stream: RunningStream | undefined;
let collector: RunningCollector | undefined;
const config = testConfig();

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  await redis?.stop();
  await dropDatabase(config);
});

describe('memory forecast through the pipeline', () => {
  it('stays quiet while memory is flat, fires on a steady ramp towards maxmemory, resolves when it stops', async () => {
    redis = await startStandaloneRedis('memory-forecast', [
      '--maxmemory',
      String(MAXMEMORY),
      '--maxmemory-policy',
      'noeviction',
    ]);
    const address = `127.0.0.1:${redis.port}`;
    const cfg = {
      ...config,
      collector: {
        ...config.collector,
        clusters: [],
        instances: [{ address, cluster: 'forecast' }],
        infoEveryMs: 500,
      },
      // Fewer, larger inserts: a two-minute run at the test default (200 ms) leaves so many
      // parts merging that DROP DATABASE timed out afterwards on a loaded machine.
      stream: { ...config.stream, lingerMs: 1000 },
      detectors: {
        ...config.detectors,
        // Seconds instead of hours: 1 s points, a 24 s window, 12 s of history before judging.
        memoryForecast: {
          enabled: true,
          horizonMs: 15 * 60_000,
          windowMs: 24_000,
          bucketMs: 1000,
          minHistoryMs: 12_000,
          minGrowthBytesPerHour: 0,
        },
      },
    };
    const alertsGroup = uniqueName('forecast-alerts');
    await startGroupsAtEnd(cfg, [cfg.stream.groupId], [...SAMPLE_TOPICS]);
    await startGroupsAtEnd(cfg, [alertsGroup], [TOPICS.alerts]);
    const seen: AlertEventV1[] = [];
    const consumer = createKafka(cfg.kafka, quietLog).consumer({ groupId: alertsGroup });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.alerts });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(message.value!.toString()) as AlertEventV1;
        if (e.rule === 'memory-forecast' && e.instance === address) seen.push(e);
      },
    });
    const writer = redis.client();
    try {
      stream = await startStream(cfg, quietLog);
      collector = await startCollector(cfg, quietLog);

      // Flat: 30 s idle, longer than the window — nothing may fire.
      await sleep(30_000);
      expect(seen).toEqual([]);

      // A steady ramp: 16 KiB every 50 ms (~320 KiB/s, about 3 minutes to the limit).
      const rampStart = Date.now();
      let ramping = true;
      let written = 0;
      const ramp = (async () => {
        while (ramping) {
          await writer.set(`forecast:${written++}`, VALUE);
          await sleep(50);
        }
      })();
      let firing: AlertEventV1 | undefined;
      try {
        firing = await eventually(
          async () => seen.find((e) => e.status === 'firing'),
          (e) => e !== undefined,
          { timeoutMs: 90_000, what: 'a firing memory-forecast alert' },
        );
      } finally {
        ramping = false;
        await ramp;
      }
      expect(firing!.ts).toBeGreaterThan(rampStart);
      expect(firing!.severity).toBe('critical');
      expect(firing!.summary).toMatch(
        new RegExp(
          `^127\\.0\\.0\\.1:${redis.port} reaches maxmemory in ~[\\d.]+ (s|min) at \\+[\\d.]+ (KiB|MiB|GiB)/h; policy noeviction → writes will fail$`,
        ),
      );
      expect(firing!.labels).toMatchObject({ limit: 'maxmemory', policy: 'noeviction' });
      // The projection is about right: the limit minus what is used, at the rate written.
      const minutes = Number(/in ~([\d.]+) min/.exec(firing!.summary)?.[1] ?? 'NaN');
      const used = Number(/used_memory:(\d+)/.exec(await writer.info('memory'))![1]);
      const expectedMinutes = (MAXMEMORY - used) / ((written * VALUE.length) / ((Date.now() - rampStart) / 1000)) / 60;
      expect(minutes).toBeGreaterThan(expectedMinutes * 0.5);
      expect(minutes).toBeLessThan(expectedMinutes * 2);

      // Growth stopped: the projection recedes and the alert resolves.
      const resolved = await eventually(
        async () => seen.find((e) => e.status === 'resolved'),
        (e) => e !== undefined,
        { timeoutMs: 90_000, what: 'the memory-forecast alert resolved after the writes stopped' },
      );
      expect(resolved!.fingerprint).toBe(firing!.fingerprint);
      expect(seen.filter((e) => e.status === 'firing')).toHaveLength(1);
    } finally {
      await consumer.disconnect();
    }
  }, 300_000);
});
