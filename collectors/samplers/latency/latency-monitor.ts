// Redis's latency monitor (latency-monitor-threshold > 0): LATENCY LATEST lists each event
// with the time of its latest spike; LATENCY HISTORY <event> keeps up to 160 spikes at
// one-second resolution. To send each spike once we keep, per instance and event, the
// time of the last spike sent, and fetch the history only of events whose latest spike
// is newer.
//
// LATENCY LATEST reply: [ [event, unix-s, latest-ms, max-ms, …], … ] (newer servers may
// append fields; ignored). LATENCY HISTORY reply: [ [unix-s, ms], … ], oldest first.
import type { LatencyEvent } from '../../../contracts/index.ts';

export interface LatestEvent {
  event: string;
  latestAtS: number;
  latestMs: number;
  maxMs: number;
}

export class LatencyParseError extends Error {
  override name = 'LatencyParseError';
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

export function parseLatencyLatest(reply: unknown): LatestEvent[] {
  if (!Array.isArray(reply)) throw new LatencyParseError(`LATENCY LATEST: expected an array, got ${typeof reply}`);
  return reply.map((row: unknown) => {
    if (!Array.isArray(row) || row.length < 4)
      throw new LatencyParseError(`LATENCY LATEST: malformed row ${JSON.stringify(row).slice(0, 200)}`);
    return { event: String(row[0]), latestAtS: num(row[1]), latestMs: num(row[2]), maxMs: num(row[3]) };
  });
}

export function parseLatencyHistory(event: string, reply: unknown): LatencyEvent[] {
  if (!Array.isArray(reply))
    throw new LatencyParseError(`LATENCY HISTORY ${event}: expected an array, got ${typeof reply}`);
  return reply
    .filter((row: unknown): row is unknown[] => Array.isArray(row) && row.length >= 2)
    .map((row) => ({ event, atS: num(row[0]), latencyMs: num(row[1]) }))
    .filter((e) => Number.isInteger(e.atS) && e.atS >= 0 && Number.isInteger(e.latencyMs) && e.latencyMs >= 0);
}

/** Per event: unix seconds of the last spike already sent. */
export type EventCursor = Map<string, number>;

/** Events whose latest spike is newer than what was sent (or, without a cursor entry, not older than `sinceS`). */
export function eventsToFetch(latest: readonly LatestEvent[], cursor: EventCursor, sinceS: number): LatestEvent[] {
  return latest.filter((e) => e.latestAtS > (cursor.get(e.event) ?? sinceS - 1));
}

/** The spikes of one event's history not sent yet, oldest first; advances the cursor. */
export function takeNewSpikes(
  event: string,
  history: readonly LatencyEvent[],
  cursor: EventCursor,
  sinceS: number,
): LatencyEvent[] {
  const after = cursor.get(event) ?? sinceS - 1;
  const fresh = history.filter((h) => h.atS > after).sort((a, b) => a.atS - b.atS);
  if (fresh.length > 0) cursor.set(event, fresh.at(-1)!.atS);
  return fresh;
}
