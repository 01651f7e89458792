import { describe, expect, it } from 'vitest';
import { incompatibility, rowSchemaMismatches, type TableColumn } from './column-compat.ts';
import { Column, rawRow } from './columns.ts';

const ok = (schema: Parameters<typeof incompatibility>[0], type: string) =>
  expect(incompatibility(schema, type), `${JSON.stringify(schema)} into ${type}`).toBeUndefined();
const refused = (schema: Parameters<typeof incompatibility>[0], type: string, why: RegExp) =>
  expect(incompatibility(schema, type)).toMatch(why);

describe('row schema column ↔ ClickHouse column type', () => {
  it('takes a column as wide as the schema or wider', () => {
    ok(Column.u8(), 'UInt8');
    ok(Column.u16(), 'UInt32');
    ok(Column.u32(), 'UInt64');
    ok(Column.u32(), 'Int64');
    ok(Column.u64(), 'UInt64');
    ok(Column.i64(), 'Int64');
    ok(Column.i32(), 'Int32');
    ok(Column.seconds(), 'DateTime');
    ok(Column.flag(), 'UInt8');
    ok(Column.u32(), 'Float64');
    ok(Column.float(), 'Float64');
    ok(Column.string(), 'String');
    ok(Column.string(), 'LowCardinality(String)');
  });

  it('refuses a narrower integer, a sign it cannot hold, or another kind', () => {
    refused(Column.u32(), 'UInt16', /0\.\.4294967295 into UInt16/);
    refused(Column.u64(), 'DateTime', /into DateTime/);
    refused(Column.i32(), 'UInt32', /-2147483648/);
    refused(Column.i64(), 'UInt64', /into UInt64/);
    refused(Column.float(), 'UInt64', /fractional number into UInt64/);
    refused(Column.string(), 'UInt8', /a string into UInt8/);
    refused(Column.u8(), 'String', /an integer into String/);
    refused(Column.string(), 'FixedString(8)', /a string into FixedString/);
  });

  it('matches arrays element by element and nulls only into Nullable', () => {
    ok(Column.array(Column.nullable(Column.float())), 'Array(Nullable(Float64))');
    ok(Column.array(Column.array(Column.u8())), 'Array(Array(UInt8))');
    ok(Column.nullable(Column.u16()), 'Nullable(UInt16)');
    ok(Column.u16(), 'Nullable(UInt16)'); // never null: fine
    refused(Column.nullable(Column.u16()), 'UInt16', /null into UInt16/);
    refused(Column.array(Column.u64()), 'Array(UInt32)', /elements: integers/);
    refused(Column.array(Column.string()), 'String', /an array into String/);
    refused(Column.string(), 'Array(String)', /a string into Array/);
  });
});

describe('row schema ↔ table columns', () => {
  const schema = rawRow({ ts: Column.seconds(), name: Column.string(), n: Column.u32() });
  const columns: TableColumn[] = [
    { name: 'ts', type: 'DateTime', default_kind: '' },
    { name: 'name', type: 'LowCardinality(String)', default_kind: '' },
    { name: 'n', type: 'UInt64', default_kind: '' },
    { name: 'kafka_topic', type: 'String', default_kind: '' },
    { name: 'kafka_partition', type: 'UInt32', default_kind: '' },
    { name: 'kafka_offset', type: 'UInt64', default_kind: '' },
  ];

  it('agree when every schema column is a column that holds it and every column without a default is in the schema', () => {
    expect(rowSchemaMismatches(schema, columns)).toEqual([]);
    // A column with a default may be left to ClickHouse.
    expect(rowSchemaMismatches(schema, [...columns, { name: 'day', type: 'Date', default_kind: 'DEFAULT' }])).toEqual(
      [],
    );
  });

  it('name every disagreement', () => {
    const table = columns.filter((c) => c.name !== 'name').map((c) => (c.name === 'n' ? { ...c, type: 'UInt16' } : c));
    expect(
      rowSchemaMismatches(schema, [
        ...table,
        { name: 'names', type: 'String', default_kind: '' },
        { name: 'late', type: 'UInt8', default_kind: 'MATERIALIZED' },
      ]),
    ).toEqual([
      'name: no such column',
      'n: integers 0..4294967295 into UInt16 (0..65535)',
      'names: String without a default, not in the row schema',
    ]);
    expect(
      rowSchemaMismatches(rawRow({ ts: Column.seconds(), late: Column.u8() }), [
        { name: 'ts', type: 'DateTime', default_kind: '' },
        { name: 'late', type: 'UInt8', default_kind: 'ALIAS' },
      ]),
    ).toContain('late: ALIAS column, cannot be inserted');
  });
});
