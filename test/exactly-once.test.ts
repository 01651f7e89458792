// At-least-once delivery from Kafka, exact counts in ClickHouse: the stream processor is
// killed with SIGKILL mid-stream (a real child process) and restarted; then a second
// consumer group replays the whole topic into the same database, as if every commit had
// been lost. Neither may lose a row or write one twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { createKafka } from '../common/kafka.ts';
import { TOPICS } from '../contracts/index.ts';
import { startStream } from '../stream/index.ts';
import { produceRaw, startGroupsAt, topicEnds, type TopicOffsets } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const clickhouse = createClickHouse(config.clickhouse);
const cluster = uniqueName('eo');
const db = config.clickhouse.database;
let child: ChildProcess | null = null;
/** Where the topic ended when the test began: both groups start there (earlier tests' messages are not theirs). */
let start: TopicOffsets = [];

afterAll(async () => {
  child?.kill('SIGKILL');
  await dropDatabase(config);
  await clickhouse.close();
});

function startProcessorProcess(groupId: string): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'cli/redscope.ts', 'stream'], {
    env: {
      ...process.env,
      REDSCOPE_KAFKA_BROKERS: config.kafka.brokers.join(','),
      REDSCOPE_CLICKHOUSE_URL: config.clickhouse.url,
      REDSCOPE_CLICKHOUSE_DATABASE: db,
      REDSCOPE_STREAM_GROUP_ID: groupId,
      REDSCOPE_LOG_LEVEL: 'warn',
      REDSCOPE_STREAM_HEALTH_PORT: '0', // any free port: another processor on this box may hold 9122
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return proc;
}

/**
 * `samples` rows, at `distinctOffsets` Kafka offsets (equal unless the processor wrote an
 * offset twice), carrying `distinctSamples` different sequence numbers (each synthetic
 * sample has its own used_memory; fewer means a message was lost).
 */
async function counts(): Promise<{
  samples: number;
  distinctOffsets: number;
  distinctSamples: number;
  commands: number;
  errors: number;
}> {
  const rs = await clickhouse.query({
    query: `SELECT
      (SELECT count() FROM ${db}.info_samples WHERE cluster = '${cluster}') AS samples,
      (SELECT uniqExact(kafka_partition, kafka_offset) FROM ${db}.info_samples WHERE cluster = '${cluster}') AS distinctOffsets,
      (SELECT uniqExact(arrayElement(metric_values, indexOf(metric_names, 'used_memory'))) FROM ${db}.info_samples WHERE cluster = '${cluster}') AS distinctSamples,
      (SELECT count() FROM ${db}.command_stats WHERE cluster = '${cluster}') AS commands,
      (SELECT count() FROM ${db}.error_stats WHERE cluster = '${cluster}') AS errors`,
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<Record<string, string>>();
  return {
    samples: Number(r!.samples),
    distinctOffsets: Number(r!.distinctOffsets),
    distinctSamples: Number(r!.distinctSamples),
    commands: Number(r!.commands),
    errors: Number(r!.errors),
  };
}

describe('exactly-once results', () => {
  const total = 6000;

  it('a processor killed with SIGKILL three times mid-stream loses no row and writes none twice', async () => {
    const groupId = uniqueName('eo-group');
    start = await topicEnds(config, [TOPICS.info]);
    await startGroupsAt(config, [groupId], start);
    child = startProcessorProcess(groupId);
    let produced = 0;
    for (let chunk = 0; chunk < 12; chunk++) {
      const msgs = Array.from({ length: total / 12 }, (_, i) => {
        const n = produced + i;
        return { key: `${cluster}-${n % 6}`, value: JSON.stringify(syntheticInfo(cluster, n)) };
      });
      await produceRaw(config, TOPICS.info, msgs);
      produced += msgs.length;
      if (chunk % 4 === 3) {
        // Let the processor get into a flush, then kill it without any chance to clean up.
        await sleep(300 + Math.floor(Math.random() * 900));
        child.kill('SIGKILL');
        await new Promise((r) => child!.once('exit', r));
        child = startProcessorProcess(groupId);
      }
    }
    const final = await eventually(counts, (c) => c.samples >= total, {
      timeoutMs: 90_000,
      what: `${total} samples stored`,
    });
    await sleep(2000); // anything written twice would show up by now
    expect(await counts()).toEqual({
      samples: total,
      distinctOffsets: total,
      distinctSamples: total,
      commands: total * 2,
      errors: total,
    });
    expect(final.samples).toBe(total);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  });

  it('replaying the topic (from where the test began) from a new consumer group into the same database adds nothing', async () => {
    const replay = uniqueName('eo-replay');
    await startGroupsAt(config, [replay], start);
    const stream = await startStream({ ...config, stream: { ...config.stream, groupId: replay } }, quietLog);
    try {
      const admin = createKafka(config.kafka, quietLog).admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(TOPICS.info);
      await admin.disconnect();
      const endTotal = ends.reduce((n, p) => n + Number(p.offset), 0);
      const startTotal = start.reduce((n, p) => n + Number(p.offset), 0);
      await eventually(
        async () => stream.processor.stats.messages,
        (n) => n >= endTotal - startTotal,
        { timeoutMs: 90_000, what: 'the replay to reach the end of the topic' },
      );
      expect(stream.processor.stats.skippedAlreadyStored).toBeGreaterThanOrEqual(total);
      expect(await counts()).toEqual({
        samples: total,
        distinctOffsets: total,
        distinctSamples: total,
        commands: total * 2,
        errors: total,
      });
    } finally {
      await stream.stop();
    }
  });
});
