// Time to maxmemory: fits each master's memory growth over the last hours and fires when
// the limit is projected within `horizonMs` on a steady trend — "127.0.0.1:7000 reaches
// maxmemory in ~3 h at +120 MiB/h; policy noeviction → writes will fail". With maxmemory 0
// the limit is the host's memory (INFO total_system_memory) and the series is RSS, what the
// kernel sees; other processes on the host are not counted.
//
// Bounded and cheap: one point per `bucketMs` (the first sample of each bucket; the state
// changes only then, so the runner persists it once per bucket, not per INFO sample), at
// most windowMs / bucketMs points (72 at the defaults), evaluated when a point is added.
// Steady means (trend.ts): a Theil–Sen slope ≥ `minGrowthBytesPerHour`, the line explains
// ≥ 60 % of the variance, and each third of the window grows at ≥ 30 % of that slope — so
// a one-off bulk load, a sawtooth, or growth that stopped an hour ago do not fire. It fires
// after two evaluations in a row under the horizon, and resolves after two in a row with
// the projection beyond 1.5 × the horizon or the trend gone (hysteresis against flapping).
// Masters only: a replica holds the same data.
import { TOPICS, type InfoSampleV1, type Severity } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { alertEvent, formatBytes } from './events.ts';
import { fitTrend, type Point } from './trend.ts';

const RULE = 'memory-forecast' as const;
/** The line must explain this share of the variance… */
const MIN_R2 = 0.6;
/** …and each third of the window must grow at this share of the overall slope. */
const MIN_PART_SHARE = 0.3;
/** Evaluations in a row before firing / resolving. */
const STREAK = 2;
/** Resolve only once the projection is beyond this multiple of the horizon. */
const RESOLVE_MARGIN = 1.5;
const HOUR_MS = 3_600_000;

export interface MemoryForecastState {
  /** One sample per bucket: [unix ms, bytes counted against maxmemory, RSS bytes]. */
  points: Array<[number, number, number]>;
  firing: boolean;
  /** Evaluations in a row that disagreed with `firing` (to fire, or to resolve). */
  streak: number;
}

interface Projection {
  limitName: 'maxmemory' | 'host memory';
  limit: number;
  level: number;
  bytesPerHour: number;
  /** ms until the limit; 0 when already at it. */
  timeToLimitMs: number;
  steady: boolean;
}

export const memoryForecastDetector: Detector<InfoSampleV1, MemoryForecastState> = {
  name: RULE,
  topics: [TOPICS.info],
  enabled: (s) => s.memoryForecast.enabled,
  subject: (m) => (m.role === 'master' ? m.instance.id : undefined),
  observe(m, state, ctx) {
    const cfg = ctx.settings.memoryForecast;
    const used = m.fields.used_memory;
    if (used === undefined) return { state, events: [] };
    // What Redis compares with maxmemory: used_memory without replication and AOF buffers.
    const counted = Math.max(0, used - (m.fields.mem_not_counted_for_evict ?? 0));
    const rss = m.fields.used_memory_rss ?? used;
    const current: MemoryForecastState = state ?? { points: [], firing: false, streak: 0 };
    const last = current.points.at(-1);
    // A restart empties the instance: older points describe another process.
    const restarted = m.counterReset === true || (last !== undefined && m.ts < last[0]);
    if (!restarted && last && Math.floor(m.ts / cfg.bucketMs) === Math.floor(last[0] / cfg.bucketMs))
      return { state, events: [] }; // same bucket: unchanged state, nothing to persist
    const points = [...(restarted ? [] : current.points), [m.ts, counted, rss] as [number, number, number]].filter(
      ([t]) => t > m.ts - cfg.windowMs,
    );

    const p = project(m, points, cfg);
    const next: MemoryForecastState = { points, firing: current.firing, streak: current.streak };
    if (!p) return { state: next, events: [] };
    const pressing = p.steady && p.timeToLimitMs <= cfg.horizonMs;
    const receding = !p.steady || p.timeToLimitMs > RESOLVE_MARGIN * cfg.horizonMs;
    const disagrees = current.firing ? receding : pressing;
    next.streak = disagrees ? current.streak + 1 : 0;
    if (next.streak < STREAK) return { state: next, events: [] };
    next.firing = !current.firing;
    next.streak = 0;
    const policy = m.text.maxmemory_policy ?? '?';
    const base = {
      rule: 'memory-forecast' as const,
      severity: severityOf(policy, p),
      cluster: m.instance.cluster,
      instance: m.instance.id,
      subject: [m.instance.id],
      ts: m.ts,
      labels: { limit: p.limitName === 'maxmemory' ? 'maxmemory' : 'host', policy },
    };
    const details = detailsOf(m, p, points, cfg.windowMs);
    const event = next.firing
      ? alertEvent({
          ...base,
          status: 'firing',
          summary: `${m.instance.id} ${reaches(p)} at +${formatBytes(p.bytesPerHour)}/h; ${consequence(policy, p)}`,
          details,
          hints: [
            'Find what grows: GET /v1/clusters/{cluster}/keys/patterns/growth (keyspace scans), keys without TTL, big keys.',
            'Raise maxmemory or add shards before the limit, or give the growing keys a TTL.',
          ],
        })
      : alertEvent({
          ...base,
          status: 'resolved',
          summary: p.steady
            ? `${m.instance.id}: ${p.limitName} now ~${formatDuration(p.timeToLimitMs)} away at +${formatBytes(p.bytesPerHour)}/h`
            : `${m.instance.id}: memory no longer growing steadily towards ${p.limitName}`,
          details,
        });
    return { state: next, events: [event] };
  },
};

function project(
  m: InfoSampleV1,
  points: MemoryForecastState['points'],
  cfg: { windowMs: number; minHistoryMs: number; minGrowthBytesPerHour: number },
): Projection | null {
  const maxmemory = m.fields.maxmemory ?? 0;
  const host = m.fields.total_system_memory ?? 0;
  if (maxmemory <= 0 && host <= 0) return null;
  const byMaxmemory = maxmemory > 0;
  const series: Point[] = points.map(([t, counted, rss]) => [t, byMaxmemory ? counted : rss]);
  if (series.length < 6 || series.at(-1)![0] - series[0]![0] < cfg.minHistoryMs) return null;
  const fit = fitTrend(series, 3);
  if (!fit) return null;
  const bytesPerHour = fit.slope * HOUR_MS;
  const limit = byMaxmemory ? maxmemory : host;
  const steady =
    bytesPerHour >= Math.max(cfg.minGrowthBytesPerHour, 1) &&
    fit.r2 >= MIN_R2 &&
    fit.partSlopes.every((s) => s >= MIN_PART_SHARE * fit.slope);
  const timeToLimitMs = fit.slope > 0 ? Math.max(0, (limit - fit.level) / fit.slope) : Number.POSITIVE_INFINITY;
  return {
    limitName: byMaxmemory ? 'maxmemory' : 'host memory',
    limit,
    level: fit.level,
    bytesPerHour,
    timeToLimitMs,
    steady,
  };
}

function reaches(p: Projection): string {
  return p.timeToLimitMs === 0
    ? `is at ${p.limitName} (${formatBytes(p.limit)}) and still growing`
    : `reaches ${p.limitName} in ~${formatDuration(p.timeToLimitMs)}`;
}

/** What reaching the limit does, by policy. */
function consequence(policy: string, p: Projection): string {
  if (p.limitName === 'host memory') return 'maxmemory is 0 → the host runs out of memory (OOM killer, swap)';
  if (policy === 'noeviction') return 'policy noeviction → writes will fail';
  if (policy.startsWith('volatile-'))
    return `policy ${policy} → keys with a TTL will be evicted, then writes fail when none are left`;
  return `policy ${policy} → keys will be evicted`;
}

function severityOf(policy: string, p: Projection): Severity {
  return p.limitName === 'host memory' || policy === 'noeviction' || policy.startsWith('volatile-')
    ? 'critical'
    : 'warning';
}

function detailsOf(m: InfoSampleV1, p: Projection, points: MemoryForecastState['points'], windowMs: number): string {
  const spanMs = points.length > 1 ? points.at(-1)![0] - points[0]![0] : 0;
  return [
    `${p.limitName}: ${formatBytes(p.limit)}; now ${formatBytes(p.level)} (${((p.level / p.limit) * 100).toFixed(0)}%, fitted)`,
    `growth: +${formatBytes(p.bytesPerHour)}/h (Theil–Sen over ${formatDuration(spanMs)} of the last ${formatDuration(windowMs)}, ${points.length} points)`,
    `projected: ${Number.isFinite(p.timeToLimitMs) ? `~${formatDuration(p.timeToLimitMs)}` : 'never'}${p.steady ? '' : ' (growth not steady)'}`,
    `policy: ${m.text.maxmemory_policy ?? '?'}; used_memory ${formatBytes(m.fields.used_memory ?? 0)}, RSS ${formatBytes(m.fields.used_memory_rss ?? 0)}`,
  ].join('\n');
}

/** `~45 min`, `~3 h`, `~1.5 h`, `~2 d`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 10) return `${Math.round(hours * 10) / 10} h`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} d`;
}
