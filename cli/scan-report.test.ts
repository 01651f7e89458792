import { describe, expect, it } from 'vitest';
import type { KeyspaceScanV1 } from '../contracts/index.ts';
import { formatBytes, renderScanReport, table } from './scan-report.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [3_324_400, '3.2 MiB'],
  ])('%i → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('table', () => {
  it('aligns text left and numbers right under a rule', () => {
    expect(
      table(
        ['name', 'n'],
        [
          ['a', 1],
          ['bbb', 100],
        ],
      ),
    ).toBe('name    n\n----  ---\na       1\nbbb   100');
  });
});

describe('renderScanReport', () => {
  it('names the scanned node and lists patterns with their share of bytes and TTL buckets', () => {
    const scan: KeyspaceScanV1 = {
      v: 1,
      kind: 'keyspace',
      ts: 1_795_600_000_000,
      instance: { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'c' },
      scannedOn: { id: '10.0.0.2:7003', role: 'replica' },
      collector: 't',
      patterns: [
        {
          pattern: 'user:*:cart',
          type: 'hash',
          keys: 3,
          bytes: 3072,
          elements: 30,
          noTtl: 2,
          ttlHistogram: { none: 2, lt1m: 0, lt1h: 1, lt1d: 0, lt7d: 0, ge7d: 0 },
          maxBytes: 2048,
          exampleKey: 'user:1:cart',
        },
        {
          pattern: 'cfg',
          type: 'string',
          keys: 1,
          bytes: 1024,
          elements: 5,
          noTtl: 1,
          ttlHistogram: { none: 1, lt1m: 0, lt1h: 0, lt1d: 0, lt7d: 0, ge7d: 0 },
          maxBytes: 1024,
          exampleKey: 'cfg',
        },
      ],
      topKeysByBytes: [
        { key: 'user:1:cart', pattern: 'user:*:cart', type: 'hash', bytes: 2048, length: 10, ttlMs: 90_000 },
      ],
      topKeysByLength: [],
      stats: {
        keysScanned: 4,
        dbsizeAtStart: 4,
        vanished: 0,
        durationMs: 1500,
        pausedMs: 0,
        mode: 'lua',
        batches: 1,
        probeBaselineUs: 100,
        probeMaxUs: 150,
        keysPerSecond: 0,
        ttlRead: true,
      },
    };
    const text = renderScanReport(scan, null, { top: 10 });
    expect(text).toContain('10.0.0.1:7000: 4 keys (DBSIZE 4) scanned on 10.0.0.2:7003 (replica) in 1.5 s');
    expect(text).toMatch(/user:\*:cart\s+hash\s+3\s+3\.0 KiB\s+75\.0%\s+2\s+0\/1\/0\/0\/0\s+user:1:cart/);
    expect(text).toMatch(/user:1:cart\s+hash\s+2\.0 KiB\s+10\s+2m/);
  });
});
