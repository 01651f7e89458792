import { describe, expect, it } from 'vitest';
import {
  eventsToFetch,
  LatencyParseError,
  parseLatencyHistory,
  parseLatencyLatest,
  takeNewSpikes,
  type EventCursor,
} from './latency-monitor.ts';

describe('latency monitor', () => {
  it('parses LATENCY LATEST rows, ignoring fields newer servers append', () => {
    expect(
      parseLatencyLatest([
        ['command', 1_700_000_100, 150, 300],
        ['fork', 1_700_000_050, 12, 12, 'extra'],
      ]),
    ).toEqual([
      { event: 'command', latestAtS: 1_700_000_100, latestMs: 150, maxMs: 300 },
      { event: 'fork', latestAtS: 1_700_000_050, latestMs: 12, maxMs: 12 },
    ]);
    expect(() => parseLatencyLatest('nope')).toThrow(LatencyParseError);
    expect(() => parseLatencyLatest([['command', 1]])).toThrow(/malformed row/);
  });

  it('parses LATENCY HISTORY pairs for one event', () => {
    expect(
      parseLatencyHistory('command', [
        [1_700_000_001, 150],
        [1_700_000_009, 210],
      ]),
    ).toEqual([
      { event: 'command', atS: 1_700_000_001, latencyMs: 150 },
      { event: 'command', atS: 1_700_000_009, latencyMs: 210 },
    ]);
  });

  it('sends each spike once: only history newer than the last one sent, per event', () => {
    const cursor: EventCursor = new Map();
    const since = 1_700_000_000;
    const latest = [{ event: 'command', latestAtS: since + 9, latestMs: 210, maxMs: 210 }];
    expect(eventsToFetch(latest, cursor, since)).toHaveLength(1);
    const history = parseLatencyHistory('command', [
      [since - 5, 500],
      [since + 1, 150],
      [since + 9, 210],
    ]);
    expect(takeNewSpikes('command', history, cursor, since).map((e) => e.atS)).toEqual([since + 1, since + 9]);
    expect(cursor.get('command')).toBe(since + 9);
    // Nothing new: no history fetch, no spikes.
    expect(eventsToFetch(latest, cursor, since)).toEqual([]);
    expect(takeNewSpikes('command', history, cursor, since)).toEqual([]);
    // A new spike later.
    const later = parseLatencyHistory('command', [
      [since + 1, 150],
      [since + 9, 210],
      [since + 20, 180],
    ]);
    expect(
      eventsToFetch([{ event: 'command', latestAtS: since + 20, latestMs: 180, maxMs: 210 }], cursor, since),
    ).toHaveLength(1);
    expect(takeNewSpikes('command', later, cursor, since)).toEqual([
      { event: 'command', atS: since + 20, latencyMs: 180 },
    ]);
  });

  it('ignores spikes from before the collector started (already sent by an earlier run)', () => {
    const cursor: EventCursor = new Map();
    expect(eventsToFetch([{ event: 'fork', latestAtS: 99, latestMs: 10, maxMs: 10 }], cursor, 100)).toEqual([]);
  });
});
