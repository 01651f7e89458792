// Current ClickHouse through chDB: the first call may install chdb-core (~180 MB) into the data dir.
import { describe, it, expect } from 'vitest';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';

describe('runOnCurrentClickHouse', () => {
  it('reports each statement: a valid one ok with output, an unknown function as an error', async () => {
    const run = await runOnCurrentClickHouse(['SELECT 1', 'SELECT nonexistent_function_xyz()']);
    expect(run.results).toHaveLength(2);
    expect(run.results[0]).toMatchObject({ sql: 'SELECT 1', ok: true, output: '1\n' });
    expect(run.results[1]?.ok).toBe(false);
    expect(run.results[1]?.error).toMatch(/nonexistent_function_xyz/);
    expect(Number.parseInt(run.version, 10)).toBeGreaterThanOrEqual(24);
  });

  it('keeps state across statements of one run (tables, inserts)', async () => {
    const run = await runOnCurrentClickHouse([
      'CREATE TABLE t (a UInt32) ENGINE = MergeTree ORDER BY a',
      'INSERT INTO t VALUES (1), (2), (3)',
      'SELECT sum(a) FROM t',
    ]);
    expect(run.results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(run.results[2]?.output).toBe('6\n');
  });
});
