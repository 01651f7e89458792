// What the collector has sampled and Kafka has not yet acknowledged, oldest first: the
// spill on disk (when configured) holds the oldest part, the in-memory queue the newest.
// The Kafka sink takes one batch at a time from the front and settles it (delivered, or
// not: back to the front). Memory past `memoryMax` moves to the spill; without a spill,
// or with the spill full, the oldest samples are dropped and counted.
//
// Order is kept per instance (samples are keyed by instance): the spill only ever gets the
// memory queue's oldest messages at its end, and a batch taken from memory (only ever when
// the spill was empty) that fails after newer samples overflowed to disk meanwhile is
// written ahead of them (`DiskSpill.prepend`).
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { BoundedQueue } from './bounded-queue.ts';
import type { DiskSpill } from './disk-spill.ts';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
}

export interface Batch {
  readonly source: 'memory' | 'disk';
  readonly messages: readonly OutgoingMessage[];
}

export interface DeliveryBufferStats {
  /** Waiting in memory, in flight, or on disk. */
  queued: number;
  dropped: number;
  spill: { messages: number; bytes: number; lastError: string | null } | null;
}

/** After a failed spill write, memory keeps the overflow (up to its hard bound) this long before trying again. */
const SPILL_RETRY_MS = 5000;

export class DeliveryBuffer {
  private readonly memory: BoundedQueue<OutgoingMessage>;
  private inFlight: Batch | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private relieveScheduled = false;
  private spillFailedAt = 0;
  private spillError: string | null = null;

  constructor(
    private readonly memoryMax: number,
    private readonly spill: DiskSpill | null,
    private readonly log: Logger,
  ) {
    // With a spill, memory runs past memoryMax while a spill write is under way (or after
    // one failed); this hard bound still caps it.
    this.memory = new BoundedQueue(spill ? memoryMax + Math.max(memoryMax, 1000) : memoryMax);
  }

  push(message: OutgoingMessage): void {
    this.memory.push(message);
    if (this.spill && this.memory.length > this.memoryMax && !this.relieveScheduled) {
      this.relieveScheduled = true;
      void this.serialized(() => this.relieve());
    }
  }

  get length(): number {
    return this.stats().queued;
  }

  stats(): DeliveryBufferStats {
    const inFlightFromMemory = this.inFlight?.source === 'memory' ? this.inFlight.messages.length : 0;
    const spill = this.spill;
    return {
      queued: this.memory.length + inFlightFromMemory + (spill?.messages ?? 0),
      dropped: this.memory.dropped + (spill ? spill.dropped + spill.corrupt : 0),
      spill: spill ? { messages: spill.messages, bytes: spill.bytes, lastError: this.spillError } : null,
    };
  }

  /** The oldest batch (up to `maxMessages`, and `maxBytes` of values but at least one message), or null when empty. */
  take(maxMessages: number, maxBytes: number): Promise<Batch | null> {
    return this.serialized(async () => {
      if (this.inFlight) throw new Error('DeliveryBuffer.take: the previous batch is not settled');
      const fromDisk = this.spill && this.spill.messages > 0 ? await this.spill.peek(maxMessages, maxBytes) : [];
      if (fromDisk.length > 0) this.inFlight = { source: 'disk', messages: fromDisk };
      else if (this.memory.length > 0)
        this.inFlight = {
          source: 'memory',
          messages: this.memory.shift(countWithin(this.memory.peek(maxMessages), maxBytes)),
        };
      return this.inFlight;
    });
  }

  /** Kafka acknowledged `batch`, or did not (it goes back to the front, ahead of everything newer). */
  settle(batch: Batch, delivered: boolean): Promise<void> {
    return this.serialized(async () => {
      if (batch !== this.inFlight) throw new Error('DeliveryBuffer.settle: not the batch in flight');
      this.inFlight = null;
      if (batch.source === 'disk' && delivered) await this.spill!.ack(batch.messages.length);
      if (batch.source === 'memory' && !delivered) await this.putBack(batch.messages);
      await this.relieve();
    });
  }

  /** An undelivered batch from memory goes back to the front: of memory, or of the spill if newer samples went there meanwhile. */
  private async putBack(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.spill && this.spill.messages > 0) {
      try {
        await this.spill.prepend(messages);
        return;
      } catch (err) {
        // Kept in memory instead: delivered after the spilled samples, out of order but not lost.
        this.noteSpillError(err);
      }
    }
    this.memory.unshift(messages);
  }

  /** Everything still in memory goes to the spill (at shutdown, so the next run sends it). Returns how many stay unsaved. */
  spillAll(): Promise<number> {
    return this.serialized(async () => {
      if (!this.spill || this.inFlight) return this.memory.length;
      const all = this.memory.shift(this.memory.length);
      try {
        await this.spill.append(all);
        return 0;
      } catch (err) {
        this.memory.unshift(all);
        this.log.error({ err: errorMessage(err) }, 'could not write the unsent samples to the spill');
        return all.length;
      }
    });
  }

  /** Moves memory's oldest to disk, down to half of `memoryMax` so spill writes come in chunks. */
  private async relieve(): Promise<void> {
    this.relieveScheduled = false;
    const spill = this.spill;
    if (!spill || this.memory.length <= this.memoryMax) return;
    if (Date.now() - this.spillFailedAt < SPILL_RETRY_MS) return;
    const moving = this.memory.shift(this.memory.length - Math.floor(this.memoryMax / 2));
    try {
      await spill.append(moving);
      this.spillError = null;
    } catch (err) {
      // A full or read-only disk: keep them in memory (bounded) and try again later.
      this.memory.unshift(moving);
      this.noteSpillError(err);
    }
  }

  private noteSpillError(err: unknown): void {
    this.spillFailedAt = Date.now();
    if (this.spillError === null)
      this.log.error(
        { err: errorMessage(err) },
        'could not write to the spill; samples stay in memory (oldest dropped past its bound)',
      );
    this.spillError = errorMessage(err);
  }

  /** Resolves once the spill writes started so far are done. */
  async idle(): Promise<void> {
    await this.serialized(async () => {});
  }

  /** Spill files and the in-flight batch are touched by one operation at a time. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** How many of `messages`, from the front, fit in `maxBytes` of values (at least one). */
function countWithin(messages: readonly OutgoingMessage[], maxBytes: number): number {
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    bytes += messages[i]!.value.length;
    if (bytes > maxBytes && i > 0) return i;
  }
  return messages.length;
}
