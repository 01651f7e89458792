import { describe, expect, it } from 'vitest';
import { loadMigrations, rawTablesOf } from '../clickhouse/migrate.ts';
import { HANDLERS } from './handlers.ts';

describe('topic handlers', () => {
  it('write exactly the raw tables the migrations declare (each gets its Kafka columns and a watermark view)', () => {
    // An older version of a topic (topology v1) writes the same tables as the current one.
    const written = [...new Set(HANDLERS.flatMap((h) => h.tables))];
    expect(written.sort()).toEqual(rawTablesOf(loadMigrations()).sort());
  });
});
