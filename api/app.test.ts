import { afterEach, expect, it, vi } from 'vitest';
import { createClient } from '@clickhouse/client';
import { buildApp } from './app.ts';

afterEach(() => vi.restoreAllMocks());

it('starts without a deprecation warning from Fastify', async () => {
  const warnings = vi.spyOn(process, 'emitWarning');
  // Nothing connects: the app is only built.
  const clickhouse = createClient({ url: 'http://127.0.0.1:1' });
  const app = buildApp({ clickhouse, database: 'unused' });
  await app.ready();
  await app.close();
  await clickhouse.close();
  expect(warnings.mock.calls.map((c) => String(c[0]))).toEqual([]);
});
