// A message can pass its topic's contract and still be refused by ClickHouse (here an
// INFO sample whose commandstats count is fractional: the contract takes any number, the
// column is UInt64). The flush is split until the refused messages are found: they go to
// the dead-letter topic with ClickHouse's reason, every other sample of the flush is
// stored, and the partition keeps flowing.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { startStream } from '../stream/index.ts';
import { produceRaw, readDeadLetters, startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

describe('messages ClickHouse refuses', () => {
  it('go to the dead-letter topic with ClickHouse’s reason, and the samples around them are stored', async () => {
    const cluster = uniqueName('refused');
    const refused = new Set([7, 31]);
    const messages = Array.from({ length: 40 }, (_, i) => {
      const sample = syntheticInfo(cluster, i, 1); // one instance: one partition, in order
      if (refused.has(i)) sample.commands[0]!.calls = 12.5;
      return { key: `${cluster}-${i}`, value: JSON.stringify(sample) };
    });
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    const stream = await startStream(config, quietLog);
    const clickhouse = createClickHouse(config.clickhouse);
    try {
      // All in one flush: the split has to find the two among forty.
      await produceRaw(config, TOPICS.info, messages);
      const read = async () => {
        const rs = await clickhouse.query({
          query: `SELECT count() AS n, uniqExact(kafka_offset) AS offsets,
              (SELECT count() FROM ${db}.command_stats WHERE cluster = '${cluster}') AS commands,
              groupArray(arrayElement(metric_values, indexOf(metric_names, 'used_memory')) - 1000000) AS seq
              FROM ${db}.info_samples WHERE cluster = '${cluster}'`,
          format: 'JSONEachRow',
        });
        return (await rs.json<{ n: string; offsets: string; commands: string; seq: number[] }>())[0]!;
      };
      // The views fill command_stats a moment after info_samples (same INSERT, next part).
      await eventually(read, (r) => Number(r.n) >= 38 && Number(r.commands) >= 76, {
        what: '38 samples stored',
        timeoutMs: 60_000,
      });
      await sleep(1000); // anything stored twice would show by now
      const stored = await read();
      expect(Number(stored.n)).toBe(38);
      expect(Number(stored.offsets)).toBe(38);
      expect(Number(stored.commands)).toBe(76);
      expect(stored.seq.map(Number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i).filter((i) => !refused.has(i)),
      );

      const letters = await readDeadLetters(config, `${cluster}-`, 2, 1000); // a third would show up by then
      expect(letters.map((l) => l.source.key).sort()).toEqual([`${cluster}-31`, `${cluster}-7`]);
      for (const l of letters) {
        expect(l.reason).toMatch(/^info_samples: ClickHouse rejected the rows: Code: \d+\. .*Cannot/);
        expect(JSON.parse(l.value).commands[0].calls).toBe(12.5); // the original message, to replay once fixed
      }
      expect(stream.processor.writer.stats.rejectedMessages).toBe(2);

      // The partition is not stuck: what comes next is stored too.
      await produceRaw(config, TOPICS.info, [
        { key: `${cluster}-40`, value: JSON.stringify(syntheticInfo(cluster, 40, 1)) },
      ]);
      await eventually(
        async () => {
          const rs = await clickhouse.query({
            query: `SELECT count() AS n FROM ${db}.info_samples WHERE cluster = '${cluster}'`,
            format: 'JSONEachRow',
          });
          return Number((await rs.json<{ n: string }>())[0]!.n);
        },
        (n) => n === 39,
        { what: 'the next sample stored' },
      );
    } finally {
      await stream.stop();
      await clickhouse.close();
    }
  });
});
