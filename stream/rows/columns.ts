// The column types row schemas are written in. A row schema is TypeBox, like the contracts:
// its Static type is what a rows builder returns (so tsc fails on a forgotten, misspelled or
// mistyped column), its properties are the table's columns at run time, and each column
// type's range says which ClickHouse types can hold every value it allows (checked against
// system.columns after the migrations: test/row-schemas.test.ts, via column-compat.ts).
// Nothing here runs per row: the processor does not validate the rows it builds itself.
import { Type, type TProperties, type TSchema } from 'typebox';

const MAX_UINT32 = 4_294_967_295;
const uint = (maximum: number) => Type.Integer({ minimum: 0, maximum });

export const Column = {
  string: () => Type.String(),
  /** Unix seconds (a DateTime column). */
  seconds: () => uint(MAX_UINT32),
  u8: () => uint(255),
  u16: () => uint(65_535),
  u32: () => uint(MAX_UINT32),
  /** To 2^53 - 1: a JSON number is a double, so larger counters were already rounded. */
  u64: () => uint(Number.MAX_SAFE_INTEGER),
  i32: () => Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 }),
  i64: () => Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
  float: () => Type.Number(),
  /** A boolean as ClickHouse 18.16 stores it (UInt8): 0 or 1, never true/false. */
  flag: () => Type.Union([Type.Literal(0), Type.Literal(1)]),
  nullable: <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]),
  array: <T extends TSchema>(t: T) => Type.Array(t),
};

/** Where a row came from in Kafka ({kafka_columns} in the migrations): every raw table has these. */
export const KAFKA_COLUMNS = {
  kafka_topic: Column.string(),
  kafka_partition: Column.u32(),
  kafka_offset: Column.u64(),
};

/** The schema of a raw table's row: its own columns and the Kafka columns. */
export function rawRow<P extends TProperties>(columns: P) {
  return Type.Object({ ...columns, ...KAFKA_COLUMNS });
}
