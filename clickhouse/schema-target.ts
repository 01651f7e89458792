// What the schema is created for: which database, on one server or on a ClickHouse
// cluster, and which optional server features the SQL may use. Migrations are written
// once, with placeholders (clickhouse/expand.ts), and expanded for a target.
import type { ClickHouseClient } from '../common/clickhouse.ts';

export interface ServerFeatures {
  /** `LowCardinality(T)` without the experimental setting 18.16 requires. */
  lowCardinality: boolean;
  /** Column compression codecs (`CODEC(Delta, ZSTD)`). */
  codecs: boolean;
  /** Table TTL with `ttl_only_drop_parts` (whole parts dropped, no rewrite). */
  ttl: boolean;
}

export interface SchemaTarget {
  database: string;
  /** Name of the cluster in the servers' `remote_servers`, or null for a single server. */
  cluster: string | null;
  features: ServerFeatures;
}

/** ClickHouse 18.16: none of the optional features. */
export const BASE_FEATURES: ServerFeatures = { lowCardinality: false, codecs: false, ttl: false };

/**
 * The features a server version has. All three exist in every release from 20.3 (the first
 * LTS after TTL gained `ttl_only_drop_parts` and LowCardinality lost its experimental
 * flag); older releases, 18.16 among them, get the plain forms. Pure.
 */
export function featuresOf(version: string): ServerFeatures {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) throw new Error(`cannot read ClickHouse version ${JSON.stringify(version)}`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const modern = major > 20 || (major === 20 && minor >= 3);
  return { lowCardinality: modern, codecs: modern, ttl: modern };
}

export async function serverVersion(client: ClickHouseClient): Promise<string> {
  const rs = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
  const [row] = await rs.json<{ v: string }>();
  return row?.v ?? '';
}

export async function readSchemaTarget(
  client: ClickHouseClient,
  database: string,
  cluster: string | null = null,
): Promise<SchemaTarget> {
  return { database, cluster, features: featuresOf(await serverVersion(client)) };
}
