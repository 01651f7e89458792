// Every rows builder returns rows of exactly its table's schema (schemas.ts), for every kind of
// message the fixtures cover. tsc already holds the builders to the schemas' types; this
// catches what types cannot: a column spread in from elsewhere, and values outside a column's
// range. Whether the schemas match the tables in ClickHouse: test/row-schemas.test.ts.
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { TOPICS, type InstanceStatusV1, type SampleTopic } from '../../contracts/index.ts';
import { SAMPLE_FIXTURES, hotkeysFixture, keyspaceFixture } from '../../test/support/sample-fixtures.ts';
import { syntheticInfo } from '../../test/support/synthetic.ts';
import { HANDLERS, handlerFor } from '../handlers.ts';
import { ROW_SCHEMAS, type RawTable, type RowOf } from './schemas.ts';
import { tableRows } from './source.ts';

const status = (i: number): InstanceStatusV1 => ({
  v: 1,
  kind: 'instance-status',
  ts: 1_795_600_000_000 + i,
  instance: { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'c' },
  collector: 'h',
  reachable: i % 2 === 0,
  ...(i % 2 ? { error: 'connect ECONNREFUSED' } : {}),
  since: 1_795_500_000_000,
});

/** Three messages of every topic, covering optional fields both ways. */
const MESSAGES: Array<{ topic: SampleTopic; build: (i: number) => unknown }> = [
  ...SAMPLE_FIXTURES.map(({ topic, build }) => ({ topic, build: (i: number) => build('rows', i) })),
  { topic: TOPICS.keyspace, build: (i) => keyspaceFixture('rows', i) },
  { topic: TOPICS.hotkeys, build: (i) => hotkeysFixture('rows', i) },
  { topic: TOPICS.status, build: status },
  {
    topic: TOPICS.info,
    // The last without per-call histograms: its mean latency goes to command_mean_bucket.
    build: (i) => ({ ...syntheticInfo('rows', i), ...(i === 2 ? { latencyHistogram: 'unsupported' } : {}) }),
  },
];

function problems(table: RawTable, row: Record<string, unknown>): string[] {
  const schema = ROW_SCHEMAS[table];
  const columns = Object.keys(schema.properties);
  const out = [
    ...Object.keys(row)
      .filter((c) => !columns.includes(c))
      .map((c) => `${c}: not a column`),
    ...columns.filter((c) => !(c in row)).map((c) => `${c}: missing`),
  ];
  for (const e of Value.Errors(schema, row)) out.push(`${e.instancePath}: ${e.message} (${JSON.stringify(row)})`);
  return out;
}

describe('row schemas', () => {
  it('are exactly the tables the handlers write', () => {
    const written = new Set(HANDLERS.flatMap((h) => h.tables));
    expect([...written].sort()).toEqual(Object.keys(ROW_SCHEMAS).sort());
  });

  it('hold every row every builder makes, with no column more or less', () => {
    const seen = new Set<string>();
    for (const { topic, build } of MESSAGES) {
      const handler = handlerFor(topic)!;
      for (let i = 0; i < 3; i++) {
        const valid = handler.validate(build(i));
        expect(valid.ok ? 'valid' : valid.reason, topic).toBe('valid');
        if (!valid.ok) continue;
        for (const [table, rows] of handler.toRows(valid.value, { topic, partition: 1, offset: i })) {
          expect(handler.tables, `${topic} writes ${table}`).toContain(table);
          for (const row of rows) expect(problems(table as RawTable, row), table).toEqual([]);
          if (rows.length) seen.add(table);
        }
      }
    }
    // Every table had rows to check.
    expect([...seen].sort()).toEqual(Object.keys(ROW_SCHEMAS).sort());
  });

  it('catch a column the type system lets through', () => {
    const row: RowOf<'instance_status'> = {
      ts: 1,
      ts_ms: 1000,
      cluster: 'c',
      instance: 'i',
      collector: 'h',
      reachable: 1,
      error: '',
      since_ms: 0,
      kafka_topic: 't',
      kafka_partition: 0,
      kafka_offset: 0,
    };
    expect(problems('instance_status', row)).toEqual([]);
    const spread = { ...row, ...{ extra: 1 } };
    expect(problems('instance_status', spread)).toEqual(['extra: not a column']);
    expect(problems('instance_status', { ...row, ts: 2 ** 32 })[0]).toMatch(/^\/ts: /);
    // @ts-expect-error a boolean where ClickHouse 18.16 takes 0 or 1
    const flag: RowOf<'instance_status'> = { ...row, reachable: true };
    // @ts-expect-error a misspelled table
    tableRows({ instance_statuses: [row] });
    expect(flag.reachable).toBe(true);
  });
});
