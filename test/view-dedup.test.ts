// Which servers get deduplicate_blocks_in_dependent_materialized_views with every insert on
// a cluster (stream/view-dedup.ts): not 18.16, which has no such setting and would refuse
// the insert; current ClickHouse, which has it.
import { afterAll, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { VIEW_DEDUP_SETTING, ViewDedup } from '../stream/view-dedup.ts';
import { testConfig } from './support/pipeline.ts';

const ch = createClickHouse(testConfig().clickhouse);
afterAll(() => ch.close());

it('ClickHouse 18.16: no setting sent', async () => {
  expect(await new ViewDedup(ch).insertSettings()).toEqual({});
});

it('current ClickHouse has the setting the processor sends there', async () => {
  const run = await runOnCurrentClickHouse([
    `SELECT count() FROM system.settings WHERE name = '${VIEW_DEDUP_SETTING}'`,
  ]);
  expect(run.results[0]).toMatchObject({ ok: true, output: '1\n' });
});
