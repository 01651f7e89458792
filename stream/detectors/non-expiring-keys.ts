// Keys without TTL growing on a master: the classic forgotten EXPIRE, which grows memory
// until eviction or OOM. Cheap: INFO keyspace (keys − expires) every second, summed over
// databases by the collector as `keyspace_keys_without_ttl`. Masters only — a replica
// holds the same keys, and counting it would double every figure.
// Enrichment names the key patterns (from the keyspace scans) that hold most keys
// without TTL, with an example key, when scans have run.
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { identifier, sql, type SqlFragment } from '../../common/sql.ts';
import { TOPICS, type InfoSampleV1 } from '../../contracts/index.ts';
import { initialCondition, stepCondition, type ConditionState } from './condition.ts';
import type { Detector } from './detector.ts';
import { alertEvent, formatBytes, formatCount } from './events.ts';

// The condition is already "growth within the window", so it clears once the window
// holds no growth; a minute of calm more before resolving avoids flapping.
/** Points older than the window are dropped; one point per 10 s is plenty for a 10-minute window. */
const POINT_SPACING_MS = 10_000;

export interface NonExpiringState {
  cond: ConditionState;
  points: Array<[number, number]>;
}

export const nonExpiringKeysDetector: Detector<InfoSampleV1, NonExpiringState> = {
  name: 'non-expiring-keys',
  topics: [TOPICS.info],
  enabled: (s) => s.nonExpiringKeys.enabled,
  subject: (m) => (m.role === 'master' ? m.instance.id : undefined),
  observe(m, state, ctx) {
    const value = m.fields.keyspace_keys_without_ttl;
    const s = ctx.settings.nonExpiringKeys;
    if (value === undefined) return { state, events: [] };
    const current: NonExpiringState = state ?? { cond: initialCondition(), points: [] };
    const points = current.points.filter(([t]) => t >= m.ts - s.windowMs);
    const last = points.at(-1);
    if (!last || m.ts - last[0] >= POINT_SPACING_MS) points.push([m.ts, value]);
    const lowest = Math.min(value, ...points.map(([, v]) => v));
    const growth = value - lowest;
    const { state: cond, transition } = stepCondition(current.cond, growth >= s.growthKeys, m.ts, {
      forMs: 0,
      clearForMs: 60_000,
    });
    const minutes = Math.round(s.windowMs / 60_000);
    const base = {
      rule: 'non-expiring-keys' as const,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      subject: [m.instance.id],
      ts: m.ts,
      labels: { window: `${minutes}m` },
    };
    const details = [
      `keys without TTL: ${formatCount(value)} (+${formatCount(growth)} in ${minutes} min)`,
      `all keys: ${formatCount(m.fields.keyspace_keys ?? 0)}, with TTL: ${formatCount(m.fields.keyspace_expires ?? 0)}`,
      `used_memory: ${formatBytes(m.fields.used_memory ?? 0)}`,
    ].join('\n');
    const events =
      transition === 'fire'
        ? [
            alertEvent({
              ...base,
              status: 'firing',
              severity: 'warning',
              summary: `${formatCount(growth)} new keys without TTL on ${m.instance.id} in ${minutes} min`,
              details,
              hints: [
                'A deploy that writes keys without EXPIRE (SET without EX, HSET/SADD/LPUSH with no EXPIRE after) is the usual cause.',
              ],
            }),
          ]
        : transition === 'resolve'
          ? [
              alertEvent({
                ...base,
                status: 'resolved',
                severity: 'warning',
                summary: `keys without TTL on ${m.instance.id} stopped growing`,
                details,
              }),
            ]
          : [];
    return { state: { cond, points }, events };
  },
  async enrich(event, io) {
    if (event.status !== 'firing') return event;
    const top = await topPatternsWithoutTtl(io.clickhouse, io.database, event.cluster).catch(() => []);
    if (top.length === 0) return event;
    const lines = top.map(
      (p) => `${p.pattern}: ${formatCount(p.noTtl)} keys without TTL, ${formatBytes(p.bytes)}, e.g. ${p.example}`,
    );
    return {
      ...event,
      details: `${event.details}\n\nKey patterns without TTL (latest scan):\n${lines.join('\n')}`.slice(0, 8000),
      labels: { ...event.labels, pattern: top[0]!.pattern },
    };
  },
};

/** Patterns holding keys without TTL in the cluster, from each shard's latest scan (key_patterns). */
export function patternsWithoutTtlSql(database: string, cluster: string): SqlFragment {
  const table = identifier(`${database}.key_patterns`);
  return sql`SELECT pattern, sum(nt) AS noTtl, sum(b) AS bytes, any(ex) AS example
FROM (
  SELECT instance, pattern, argMax(no_ttl, ts_ms) AS nt, argMax(bytes, ts_ms) AS b, argMax(example_key, ts_ms) AS ex
  FROM ${table} WHERE cluster = ${cluster} AND ts >= now() - 86400
  GROUP BY instance, pattern
)
GROUP BY pattern HAVING noTtl > 0 ORDER BY noTtl DESC LIMIT 3`;
}

async function topPatternsWithoutTtl(
  client: ClickHouseClient,
  database: string,
  cluster: string,
): Promise<Array<{ pattern: string; noTtl: number; bytes: number; example: string }>> {
  const rs = await client.query({
    query: patternsWithoutTtlSql(database, cluster).text,
    format: 'JSONEachRow',
    clickhouse_settings: { max_execution_time: 2 },
  });
  return (await rs.json<{ pattern: string; noTtl: string; bytes: string; example: string }>()).map((r) => ({
    pattern: r.pattern,
    noTtl: Number(r.noTtl),
    bytes: Number(r.bytes),
    example: r.example,
  }));
}
