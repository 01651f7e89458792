// What keeps a scan gentle on a production instance: a rate limit in keys per second and a
// latency guard. Both are pure state machines driven by the scanner with the current time,
// so their behaviour is unit-tested without a clock.

/**
 * Paces batches to `keysPerSecond` (0 = unlimited), scaled by the guard's `factor`.
 * Debt is kept across batches, so batches of uneven size still average to the rate, but a
 * long stall (a pause, a slow batch) does not turn into a burst afterwards.
 */
export class RateLimiter {
  private nextAtMs: number | null = null;

  constructor(private readonly keysPerSecond: number) {}

  /** Records `keys` just scanned at `nowMs`; returns how long to wait before the next batch. */
  waitAfter(keys: number, nowMs: number, factor = 1): number {
    if (this.keysPerSecond <= 0) return 0;
    const rate = this.keysPerSecond * Math.max(factor, 0.01);
    const start = this.nextAtMs === null || this.nextAtMs < nowMs - 1000 ? nowMs : this.nextAtMs;
    this.nextAtMs = start + (keys / rate) * 1000;
    return Math.max(0, this.nextAtMs - nowMs);
  }
}

export interface LatencyGuardOptions {
  /** Slow down when a probe takes longer than `multiple` × the baseline … */
  multiple: number;
  /** … and never below this threshold, ms: loopback RTTs of ~0.1 ms jitter by more than 3× on a busy host. */
  minThresholdMs: number;
  /** Pause this long after `pauseAfter` (default 3) slow probe medians in a row. */
  pauseMs: number;
  pauseAfter?: number;
}

export type GuardDecision =
  | { action: 'continue'; factor: number }
  | { action: 'pause'; factor: number; pauseMs: number };

/** Probes whose median is judged: one slow PING (a GC pause, a busy neighbour) is no trend. */
const WINDOW = 5;

/**
 * The median of the last 5 probes is compared with the threshold:
 * ok ──slow median──▶ slowed (rate halved per slow median, down to 5 %)
 * slowed ──`pauseAfter` slow medians in a row──▶ pause `pauseMs`, then probe again
 * any ──fast median──▶ rate recovers by 25 % per probe, up to 100 %.
 */
export class LatencyGuard {
  private baselineMs = 0;
  private slowInARow = 0;
  private factorNow = 1;
  private readonly recent: number[] = [];

  constructor(private readonly opts: LatencyGuardOptions) {}

  /** Baseline from probes taken before the scan: their median, robust to one outlier. */
  setBaseline(samplesMs: readonly number[]): number {
    this.baselineMs = median(samplesMs);
    return this.baselineMs;
  }

  get thresholdMs(): number {
    return Math.max(this.baselineMs * this.opts.multiple, this.opts.minThresholdMs);
  }

  get factor(): number {
    return this.factorNow;
  }

  observe(rttMs: number): GuardDecision {
    this.recent.push(rttMs);
    if (this.recent.length > WINDOW) this.recent.shift();
    if (median(this.recent) > this.thresholdMs) {
      this.slowInARow++;
      this.factorNow = Math.max(0.05, this.factorNow / 2);
      if (this.slowInARow >= (this.opts.pauseAfter ?? 3)) {
        this.slowInARow = 0;
        // Judge afresh after the pause: the probes before it describe a load we backed off from.
        this.recent.length = 0;
        return { action: 'pause', factor: this.factorNow, pauseMs: this.opts.pauseMs };
      }
    } else {
      this.slowInARow = 0;
      this.factorNow = Math.min(1, this.factorNow * 1.25);
    }
    return { action: 'continue', factor: this.factorNow };
  }
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
