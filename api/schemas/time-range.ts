// Time ranges in API queries: `from`/`to` as ISO 8601 or unix seconds, `step` in seconds.
// Ranges are bounded so no request can ask ClickHouse for years of per-second data.
import Type from 'typebox';

export const MAX_RANGE_SECONDS = 31 * 24 * 3600;
/** The most points one series may have; `step` is raised to stay under it. */
export const MAX_POINTS = 2000;

export const TimeRangeQuery = {
  from: Type.Optional(
    Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: `to` minus 15 minutes' }),
  ),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: now' })),
  step: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 86400, description: 'seconds per point; default: range / 300' }),
  ),
};

export class BadRequestError extends Error {
  override name = 'BadRequestError';
  readonly statusCode = 400;
}

export function parseTime(value: string, field: string): number {
  if (/^\d{9,11}$/.test(value)) return Number(value);
  // Date.parse accepts too much (e.g. "1"); require an ISO-looking date.
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new BadRequestError(
    `${field}: expected ISO 8601 (2026-11-25T10:00:00Z) or unix seconds, got ${JSON.stringify(value)}`,
  );
}

export interface TimeRange {
  fromSec: number;
  toSec: number;
  stepSec: number;
}

/** `defaultRangeSec`: how far back `from` goes when omitted (15 min for series; lists of events use a day). */
export function resolveTimeRange(
  q: { from?: string; to?: string; step?: number },
  nowSec = Math.floor(Date.now() / 1000),
  defaultRangeSec = 15 * 60,
): TimeRange {
  const toSec = q.to !== undefined ? parseTime(q.to, 'to') : nowSec;
  const fromSec = q.from !== undefined ? parseTime(q.from, 'from') : toSec - defaultRangeSec;
  if (fromSec >= toSec) throw new BadRequestError('from: must be before to');
  if (toSec - fromSec > MAX_RANGE_SECONDS)
    throw new BadRequestError(`the range from..to may span at most ${MAX_RANGE_SECONDS / 86400} days`);
  const minStep = Math.ceil((toSec - fromSec) / MAX_POINTS);
  const stepSec = Math.max(q.step ?? Math.ceil((toSec - fromSec) / 300), minStep, 1);
  return { fromSec, toSec, stepSec };
}
