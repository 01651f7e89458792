// A malformed message goes to the dead-letter topic with a reason; the processor keeps going.
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { startStream } from '../stream/index.ts';
import { produceRaw, readDeadLetters, startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
afterAll(() => dropDatabase(config));

describe('dead letters', () => {
  it('poison messages are dead-lettered with their reason and valid ones around them are stored', async () => {
    const cluster = uniqueName('dlq');
    const good = (i: number) => ({ key: `${cluster}-good-${i}`, value: JSON.stringify(syntheticInfo(cluster, i)) });
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]); // not what other tests left
    await produceRaw(config, TOPICS.info, [
      good(1),
      { key: `${cluster}-notjson`, value: '{"v":1, this is not json' },
      {
        key: `${cluster}-wrongshape`,
        value: JSON.stringify({ ...syntheticInfo(cluster, 2), fields: { used_memory: 'lots' } }),
      },
      { key: `${cluster}-empty`, value: '' },
      good(3),
    ]);

    const stream = await startStream(config, quietLog);
    const clickhouse = createClickHouse(config.clickhouse);
    try {
      await eventually(
        async () => {
          const rs = await clickhouse.query({
            query: `SELECT count() AS n FROM ${config.clickhouse.database}.info_samples WHERE cluster = '${cluster}'`,
            format: 'JSONEachRow',
          });
          return Number((await rs.json<{ n: string }>())[0]?.n);
        },
        (n) => n === 2,
        { what: 'the two valid samples in ClickHouse' },
      );

      const letters = await readDeadLetters(config, cluster, 3);
      const byKey = new Map(letters.map((l) => [l.source.key, l]));
      expect(byKey.get(`${cluster}-notjson`)?.reason).toMatch(/^not JSON/);
      expect(byKey.get(`${cluster}-wrongshape`)?.reason).toMatch(/\/fields\/used_memory: must be number/);
      expect(byKey.get(`${cluster}-empty`)?.reason).toBe('empty message value');
      expect(byKey.get(`${cluster}-notjson`)?.value).toBe('{"v":1, this is not json');
      expect(stream.processor.stats.deadLetters).toBeGreaterThanOrEqual(3);
    } finally {
      await stream.stop();
      await clickhouse.close();
    }
  });
});
