import { describe, expect, it } from 'vitest';
import { loadMigrations, rawTablesOf } from '../clickhouse/migrate.ts';
import { HANDLERS } from './handlers.ts';

describe('topic handlers', () => {
  it('write exactly the raw tables the migrations declare (each gets its Kafka columns and a watermark view)', () => {
    const written = HANDLERS.flatMap((h) => h.tables);
    expect(new Set(written).size).toBe(written.length);
    expect([...written].sort()).toEqual(rawTablesOf(loadMigrations()).sort());
  });
});
