import { describe, expect, it } from 'vitest';
import { BadRequestError, resolveTimeRange } from './time-range.ts';

describe('time ranges', () => {
  const now = 1_764_072_000;

  it('defaults to the last 15 minutes with about 300 points', () => {
    expect(resolveTimeRange({}, now)).toEqual({ fromSec: now - 900, toSec: now, stepSec: 3 });
  });

  it('accepts ISO 8601 and unix seconds', () => {
    const r = resolveTimeRange({ from: '2025-11-25T11:00:00Z', to: String(now), step: 60 }, now);
    expect(r).toEqual({ fromSec: now - 3600, toSec: now, stepSec: 60 });
  });

  it('refuses reversed, unbounded and unparseable ranges with a message naming the field', () => {
    expect(() => resolveTimeRange({ from: String(now), to: String(now - 1) }, now)).toThrow(/from: must be before to/);
    expect(() => resolveTimeRange({ from: '2000-01-01' }, now)).toThrow(/at most 31 days/);
    expect(() => resolveTimeRange({ from: 'yesterday' }, now)).toThrow(BadRequestError);
    expect(() => resolveTimeRange({ to: "1' OR 1=1" }, now)).toThrow(/to: expected ISO 8601/);
  });

  it('raises a too-small step so a series never exceeds 2000 points', () => {
    expect(resolveTimeRange({ from: String(now - 86400), to: String(now), step: 1 }, now).stepSec).toBe(44);
  });
});
