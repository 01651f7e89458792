// Renders a KeyspaceScanV1 as plain-text tables for `redscope scan`. Pure.
import type { BigKey, HotKeysV1, KeyspaceScanV1 } from '../contracts/index.ts';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

function formatTtl(ms: number): string {
  if (ms < 0) return 'none';
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h`;
  return `${Math.round(ms / 86_400_000)}d`;
}

/** Left-aligned text columns, right-aligned numbers, one header line and a rule. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[\d.]+( \w+|%)?$/.test(String(r[i]))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

function keysTable(keys: BigKey[], limit: number): string {
  return table(
    ['key', 'type', 'bytes', 'length', 'ttl'],
    keys.slice(0, limit).map((k) => [truncate(k.key, 60), k.type, formatBytes(k.bytes), k.length, formatTtl(k.ttlMs)]),
  );
}

export function renderScanReport(m: KeyspaceScanV1, hot: HotKeysV1 | null, opts: { top: number }): string {
  const s = m.stats;
  const totalBytes = m.patterns.reduce((a, p) => a + p.bytes, 0);
  const head =
    `${m.instance.id}: ${s.keysScanned} keys (DBSIZE ${s.dbsizeAtStart}) scanned on ${m.scannedOn.id} (${m.scannedOn.role}) ` +
    `in ${(s.durationMs / 1000).toFixed(1)} s, mode ${s.mode}, paused ${s.pausedMs} ms, ${formatBytes(totalBytes)} in total`;
  const patterns = table(
    ['pattern', 'type', 'keys', 'bytes', '% bytes', 'no TTL', 'TTL <1m/<1h/<1d/<7d/≥7d', 'example'],
    m.patterns
      .slice(0, opts.top)
      .map((p) => [
        truncate(p.pattern, 50),
        p.type,
        p.keys,
        formatBytes(p.bytes),
        totalBytes > 0 ? `${((p.bytes / totalBytes) * 100).toFixed(1)}%` : '0%',
        p.noTtl,
        `${p.ttlHistogram.lt1m}/${p.ttlHistogram.lt1h}/${p.ttlHistogram.lt1d}/${p.ttlHistogram.lt7d}/${p.ttlHistogram.ge7d}`,
        truncate(p.exampleKey, 40),
      ]),
  );
  const parts = [
    head,
    '',
    `Top patterns by bytes (${m.patterns.length} patterns):`,
    patterns,
    '',
    'Biggest keys by bytes:',
    keysTable(m.topKeysByBytes, opts.top),
    '',
    'Biggest keys by length:',
    keysTable(m.topKeysByLength, opts.top),
  ];
  if (hot && hot.keys.length > 0) {
    parts.push(
      '',
      `Hot keys (${hot.method}):`,
      table(
        ['key', 'pattern', 'metric', 'score'],
        hot.keys.slice(0, opts.top).map((k) => [truncate(k.key, 60), truncate(k.pattern, 40), k.metric, k.score]),
      ),
    );
  }
  return parts.join('\n');
}
