import { describe, expect, it } from 'vitest';
import {
  checksumOf,
  expandMigrations,
  loadMigrations,
  rawTablesOf,
  schemaStatements,
  singleServer,
} from './migrate.ts';
import { featuresOf } from './schema-target.ts';

describe('migration files', () => {
  const migrations = loadMigrations();

  it('have unique versions and expand for one server and for a cluster without unknown placeholders', () => {
    const versions = migrations.map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    for (const target of [
      singleServer('rs'),
      singleServer('rs', featuresOf('26.9')),
      { ...singleServer('rs'), cluster: 'fleet' },
    ]) {
      for (const s of schemaStatements(target))
        expect(s).not.toMatch(/\{(db|table|view|local|engine|kafka_columns|lc|codec|on_cluster|shard_by)\b/);
    }
  });

  it('on a cluster, every table is replicated and has a Distributed table of the plain name', () => {
    const statements = expandMigrations({ ...singleServer('rs'), cluster: 'fleet' }).flatMap((m) => m.statements);
    const creates = statements.filter((s) => /^CREATE TABLE/.test(s));
    for (const s of creates) expect(s).toMatch(/ON CLUSTER `fleet`/);
    const local = creates.filter((s) => !/ENGINE = Distributed/.test(s));
    const distributed = creates.filter((s) => /ENGINE = Distributed/.test(s));
    expect(local.length).toBeGreaterThan(10);
    expect(distributed).toHaveLength(local.length);
    for (const s of local) expect(s).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/rs\//);
  });

  it('declare every raw table once', () => {
    const raw = rawTablesOf(migrations);
    expect(new Set(raw).size).toBe(raw.length);
    expect(raw).toContain('info_samples');
    expect(raw).not.toContain('command_stats'); // filled by a view, not by the processor
  });

  it('have checksums that ignore comments and whitespace but not SQL', () => {
    const a = checksumOf(['CREATE TABLE {table:t} (a UInt8)\nENGINE = {engine:MergeTree} ORDER BY a']);
    expect(
      checksumOf(['-- why\nCREATE TABLE {table:t}   (a UInt8) -- the key\n ENGINE = {engine:MergeTree} ORDER BY a']),
    ).toBe(a);
    expect(checksumOf(['CREATE TABLE {table:t} (a UInt16) ENGINE = {engine:MergeTree} ORDER BY a'])).not.toBe(a);
  });
});
