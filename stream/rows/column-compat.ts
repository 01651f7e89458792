// Whether a ClickHouse column can take every value a row schema's column allows: the check
// test/row-schemas.test.ts runs for every column of every raw table after the migrations.
// Wider is fine (a u32 into UInt64, an integer into Float64, a non-null value into
// Nullable); narrower, another kind, or an ALIAS/MATERIALIZED column is not. Pure.
import type { TObject, TSchema } from 'typebox';

/** Value range of each ClickHouse integer type (DateTime is Unix seconds in a UInt32). */
const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  UInt8: [0n, 255n],
  UInt16: [0n, 65_535n],
  UInt32: [0n, 4_294_967_295n],
  UInt64: [0n, 18_446_744_073_709_551_615n],
  Int8: [-128n, 127n],
  Int16: [-32_768n, 32_767n],
  Int32: [-2_147_483_648n, 2_147_483_647n],
  Int64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
  DateTime: [0n, 4_294_967_295n],
};
const FLOATS = new Set(['Float32', 'Float64']);

/** `Wrapper(inner)` → inner, or undefined when `type` is not one. */
function unwrap(type: string, wrapper: string): string | undefined {
  return type.startsWith(`${wrapper}(`) && type.endsWith(')') ? type.slice(wrapper.length + 1, -1) : undefined;
}

/** The schema's integer range, if it is an integer or a union of integer literals (a flag). */
function integerRange(schema: TSchema): [number, number] | undefined {
  const s = schema as { type?: string; minimum?: number; maximum?: number; anyOf?: Array<{ const?: unknown }> };
  if (s.type === 'integer') return [s.minimum ?? Number.MIN_SAFE_INTEGER, s.maximum ?? Number.MAX_SAFE_INTEGER];
  const consts = s.anyOf?.map((x) => x.const);
  if (consts?.length && consts.every((c) => Number.isInteger(c)))
    return [Math.min(...(consts as number[])), Math.max(...(consts as number[]))];
  return undefined;
}

/** The non-null member of `X | null`, if `schema` is one. */
function nullableOf(schema: TSchema): TSchema | undefined {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (anyOf?.length !== 2) return undefined;
  const isNull = (x: TSchema) => (x as { type?: string }).type === 'null';
  return isNull(anyOf[1]!) ? anyOf[0] : isNull(anyOf[0]!) ? anyOf[1] : undefined;
}

/**
 * Why a column of ClickHouse type `type` (as system.columns spells it) cannot hold every
 * value of `schema`; undefined when it can.
 */
export function incompatibility(schema: TSchema, type: string): string | undefined {
  const lowCardinality = unwrap(type, 'LowCardinality');
  if (lowCardinality !== undefined) return incompatibility(schema, lowCardinality);

  const nullable = nullableOf(schema);
  const column = unwrap(type, 'Nullable');
  if (nullable) return column === undefined ? `null into ${type}` : incompatibility(nullable, column);
  if (column !== undefined) return incompatibility(schema, column); // non-null values only: fine

  const s = schema as { type?: string; items?: TSchema };
  if (s.type === 'array') {
    const element = unwrap(type, 'Array');
    if (element === undefined) return `an array into ${type}`;
    const why = incompatibility(s.items!, element);
    return why && `elements: ${why}`;
  }
  if (s.type === 'string') return type === 'String' ? undefined : `a string into ${type}`;
  if (s.type === 'number') return FLOATS.has(type) ? undefined : `a fractional number into ${type}`;

  const range = integerRange(schema);
  if (range) {
    if (type === 'Float64') return undefined;
    const holds = INTEGER_RANGES[type];
    if (!holds) return `an integer into ${type}`;
    const [min, max] = range;
    return BigInt(min) >= holds[0] && BigInt(max) <= holds[1]
      ? undefined
      : `integers ${min}..${max} into ${type} (${holds[0]}..${holds[1]})`;
  }
  return `a schema of no known column kind (${JSON.stringify(schema)}) into ${type}`;
}

/** A column as system.columns describes it. */
export interface TableColumn {
  name: string;
  type: string;
  /** '' (none), DEFAULT, MATERIALIZED or ALIAS. */
  default_kind: string;
}

/**
 * How a row schema and its table's columns disagree: a schema column the table lacks, or
 * cannot take (ALIAS and MATERIALIZED columns refuse inserts), or takes in a narrower type;
 * a table column without a default that the schema leaves out. Empty when they agree.
 */
export function rowSchemaMismatches(schema: TObject, columns: readonly TableColumn[]): string[] {
  const out: string[] = [];
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const [name, column] of Object.entries(schema.properties)) {
    const c = byName.get(name);
    if (!c) out.push(`${name}: no such column`);
    else if (c.default_kind === 'MATERIALIZED' || c.default_kind === 'ALIAS')
      out.push(`${name}: ${c.default_kind} column, cannot be inserted`);
    else {
      const why = incompatibility(column, c.type);
      if (why) out.push(`${name}: ${why}`);
    }
  }
  for (const c of columns)
    if (c.default_kind === '' && !(c.name in schema.properties))
      out.push(`${c.name}: ${c.type} without a default, not in the row schema`);
  return out;
}
