import { describe, expect, it } from 'vitest';
import { planSeries, planSummary, tierForRange } from './latency-tier.ts';

const H = 3600;
const t0 = 1_764_072_000; // a whole hour
const now = t0 + 600;

describe('rollup choice', () => {
  it('raw up to 1 h, minute up to 2 days, hour beyond', () => {
    expect(tierForRange(H)).toBe('raw');
    expect(tierForRange(H + 1)).toBe('minute');
    expect(tierForRange(48 * H)).toBe('minute');
    expect(tierForRange(48 * H + 1)).toBe('hour');
  });

  it('series: step rounded up to whole buckets, range out to whole buckets', () => {
    expect(planSeries({ fromSec: t0 - 86_400 + 17, toSec: t0 + 5, stepSec: 90 }, now)).toEqual({
      tier: 'minute',
      fromSec: t0 - 86_400,
      toSec: t0 + 60,
      stepSec: 120,
    });
    expect(planSeries({ fromSec: t0 - 7 * 86_400, toSec: t0 - 1, stepSec: 60 }, now)).toMatchObject({
      tier: 'hour',
      stepSec: H,
      toSec: t0,
    });
    expect(planSeries({ fromSec: t0 - 600, toSec: t0, stepSec: 3 }, now)).toEqual({
      tier: 'raw',
      fromSec: t0 - 600,
      toSec: t0 + 1,
      stepSec: 3,
    });
  });

  it('summaries over more than 1 h: whole hours from the hour rollup, edges from the minute rollup', () => {
    expect(planSummary({ fromSec: t0 - 86_400 + 125, toSec: t0 + 130 }, now)).toEqual([
      { tier: 'minute', fromSec: t0 - 86_400 + 120, toSec: t0 - 86_400 + H },
      { tier: 'hour', fromSec: t0 - 86_400 + H, toSec: t0 },
      { tier: 'minute', fromSec: t0, toSec: t0 + 180 },
    ]);
  });

  it('summaries: aligned ranges need no minute edges; short ones no hour part', () => {
    expect(planSummary({ fromSec: t0 - 2 * H, toSec: t0 - 1 }, now)).toEqual([
      { tier: 'hour', fromSec: t0 - 2 * H, toSec: t0 },
    ]);
    expect(planSummary({ fromSec: t0 + 60, toSec: t0 + H + 1800 }, now)).toEqual([
      { tier: 'minute', fromSec: t0 + 60, toSec: t0 + H + 1860 },
    ]);
    expect(planSummary({ fromSec: t0, toSec: t0 + 600 }, now)).toEqual([{ tier: 'raw', fromSec: t0, toSec: t0 + 601 }]);
  });

  it('never picks a table for a range older than that table keeps: the per-sample one a day, the minute one a week', () => {
    expect(tierForRange(H, 86_400)).toBe('raw');
    expect(tierForRange(H, 86_401)).toBe('minute');
    expect(tierForRange(H, 7 * 86_400 + 1)).toBe('hour');
    expect(planSeries({ fromSec: t0 - 2 * 86_400, toSec: t0 - 2 * 86_400 + 600, stepSec: 10 }, now).tier).toBe(
      'minute',
    );
    // A 3 h summary 8 days ago: whole hours only, widened outwards.
    expect(planSummary({ fromSec: t0 - 8 * 86_400 + 125, toSec: t0 - 8 * 86_400 + 3 * H }, now)).toEqual([
      { tier: 'hour', fromSec: t0 - 8 * 86_400, toSec: t0 - 8 * 86_400 + 4 * H },
    ]);
  });
});
