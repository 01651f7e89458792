// Detectors over keyspace scans and hot-key observations (one message per scan of a
// shard): a key pattern that newly holds keys without TTL — the classic forgotten
// EXPIRE — a new big key, and a hot key. The first scan of an instance is the baseline:
// what already exists is not news (the fleet's long-lived keys would flood chat).
import { TOPICS, type HotKeysV1, type KeyspaceScanV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { alertEvent, formatBytes, formatCount } from './events.ts';

/** Per pattern with keys without TTL: the count seen by the last scan. */
export interface PatternState {
  noTtl: Record<string, number>;
}

export const newPatternWithoutTtlDetector: Detector<KeyspaceScanV1, PatternState> = {
  name: 'non-expiring-pattern',
  topics: [TOPICS.keyspace],
  enabled: (s) => s.nonExpiringKeys.enabled,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const min = ctx.settings.nonExpiringKeys.newPatternMinKeys;
    const noTtl: Record<string, number> = {};
    for (const p of m.patterns) if (p.noTtl > 0) noTtl[p.pattern] = p.noTtl;
    if (!state) return { state: { noTtl }, events: [] }; // the first scan is the baseline
    const events = [];
    const base = {
      rule: 'non-expiring-pattern' as const,
      severity: 'warning' as const,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      ts: ctx.now,
    };
    for (const p of m.patterns) {
      const before = state.noTtl[p.pattern] ?? 0;
      if (before >= min || p.noTtl < min) continue;
      events.push(
        alertEvent({
          ...base,
          subject: [m.instance.id, p.pattern],
          status: 'firing',
          summary: `New key pattern without TTL on ${m.instance.id}: ${p.pattern} (${formatCount(p.noTtl)} keys, ${formatBytes(p.bytes)})`,
          details: [
            `pattern: ${p.pattern} (${p.type})`,
            `keys without TTL: ${formatCount(p.noTtl)} of ${formatCount(p.keys)}`,
            `memory: ${formatBytes(p.bytes)}`,
            `example key: ${p.exampleKey}`,
            `previous scan: ${formatCount(before)} without TTL`,
          ].join('\n'),
          labels: { pattern: p.pattern, example_key: p.exampleKey },
          hints: [
            'Keys that never expire grow memory until eviction or OOM. Was an EXPIRE (or SET … EX) forgotten in a recent deploy?',
          ],
        }),
      );
    }
    for (const [pattern, before] of Object.entries(state.noTtl)) {
      if (before < min || (noTtl[pattern] ?? 0) >= min) continue;
      events.push(
        alertEvent({
          ...base,
          subject: [m.instance.id, pattern],
          status: 'resolved',
          summary: `${pattern} on ${m.instance.id}: keys without TTL gone`,
          details: '',
          labels: { pattern },
        }),
      );
    }
    return { state: { noTtl }, events };
  },
};

export interface BigKeyState {
  /** Big keys of the last scan (key → bytes). */
  big: Record<string, number>;
}

export const bigKeyDetector: Detector<KeyspaceScanV1, BigKeyState> = {
  name: 'big-key',
  topics: [TOPICS.keyspace],
  enabled: (s) => s.bigKeys.enabled,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const { bytes: minBytes, elements: minElements } = ctx.settings.bigKeys;
    const keys = new Map([...m.topKeysByBytes, ...m.topKeysByLength].map((k) => [k.key, k]));
    const big: Record<string, number> = {};
    for (const k of keys.values()) if (k.bytes >= minBytes || k.length >= minElements) big[k.key] = k.bytes;
    if (!state) return { state: { big }, events: [] };
    const events = [];
    const base = {
      rule: 'big-key' as const,
      severity: 'warning' as const,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      ts: ctx.now,
    };
    for (const key of Object.keys(big)) {
      if (state.big[key] !== undefined) continue;
      const k = keys.get(key)!;
      events.push(
        alertEvent({
          ...base,
          subject: [m.instance.id, key],
          status: 'firing',
          summary: `Big key on ${m.instance.id}: ${key} (${formatBytes(k.bytes)}, ${formatCount(k.length)} elements)`,
          details: [
            `key: ${key} (${k.type}, pattern ${k.pattern})`,
            `memory: ${formatBytes(k.bytes)}`,
            `elements: ${formatCount(k.length)}`,
            `TTL: ${k.ttlMs < 0 ? 'none' : `${Math.round(k.ttlMs / 1000)} s`}`,
          ].join('\n'),
          labels: { key, pattern: k.pattern },
          hints: [
            'O(N) commands on a big key (HGETALL, SMEMBERS, LRANGE 0 -1) and deleting it with DEL block the server; split the key, read it incrementally (HSCAN/SSCAN) and delete it with UNLINK.',
          ],
        }),
      );
    }
    for (const key of Object.keys(state.big)) {
      if (big[key] !== undefined) continue;
      events.push(
        alertEvent({
          ...base,
          subject: [m.instance.id, key],
          status: 'resolved',
          summary: `${key} on ${m.instance.id} is no longer big`,
          details: '',
        }),
      );
    }
    return { state: { big }, events };
  },
};

export interface HotKeyState {
  hot: Record<string, number>;
}

export const hotKeyDetector: Detector<HotKeysV1, HotKeyState> = {
  name: 'hot-key',
  topics: [TOPICS.hotkeys],
  enabled: (s) => s.hotKeys.enabled,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const cfg = ctx.settings.hotKeys;
    const seconds = Math.max(m.windowMs, 1) / 1000;
    const hot: Record<string, number> = {};
    const rate = (k: HotKeysV1['keys'][number]) =>
      k.metric === 'lfu-counter' ? k.score : k.metric === 'commands' ? k.score / seconds : -1;
    for (const k of m.keys) {
      const isHot =
        (k.metric === 'lfu-counter' && k.score >= cfg.lfuCounter) ||
        (k.metric === 'commands' && k.score / seconds >= cfg.commandsPerSecond);
      if (isHot) hot[k.key] = rate(k);
    }
    const events = [];
    const base = {
      rule: 'hot-key' as const,
      severity: 'warning' as const,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      ts: ctx.now,
    };
    for (const k of m.keys) {
      if (hot[k.key] === undefined || state?.hot[k.key] !== undefined) continue;
      const how = k.metric === 'lfu-counter' ? `LFU counter ${k.score}` : `${Math.round(k.score / seconds)} commands/s`;
      events.push(
        alertEvent({
          ...base,
          subject: [m.instance.id, k.key],
          status: 'firing',
          summary: `Hot key on ${m.instance.id}: ${k.key} (${how})`,
          details: `key ${k.key} (pattern ${k.pattern}), observed by ${m.method} on ${m.observedOn} over ${Math.round(seconds)} s`,
          labels: { key: k.key, pattern: k.pattern, method: m.method },
          hints: ['One hot key pins its load on one shard: cache it client-side, or spread it over several keys.'],
        }),
      );
    }
    for (const key of Object.keys(state?.hot ?? {})) {
      if (hot[key] !== undefined) continue;
      events.push(
        alertEvent({
          ...base,
          subject: [m.instance.id, key],
          status: 'resolved',
          summary: `${key} on ${m.instance.id} cooled down`,
          details: '',
        }),
      );
    }
    return { state: { hot }, events };
  },
};
