// Delivers samples to Kafka: batched, gzip-compressed, keyed by instance id so one
// instance's samples stay in order on one partition. Samples wait in a DeliveryBuffer: a
// bounded in-memory queue, plus an optional spill to disk; while Kafka is unreachable they
// absorb the samples, and past their bounds the oldest are dropped and counted
// (`dropped`), never an unbounded heap.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { errorMessage } from '../common/errors.ts';
import { ensureTopics, type TopicSettings } from '../common/kafka.ts';
import { sampleKey } from '../contracts/topics.ts';
import type { Logger } from '../common/log.ts';
import { backoffMs, type Backoff } from '../common/retry.ts';
import { DeliveryBuffer, type DeliveryBufferStats, type OutgoingMessage } from './delivery-buffer.ts';
import type { DiskSpill } from './disk-spill.ts';
import type { Sample } from './sampler.ts';

/**
 * Between failed sends: 250 ms doubling to 5 s, exact (one producer per collector host, so
 * nothing to spread), back to 250 ms after a send succeeds.
 */
const SEND_BACKOFF: Backoff = { initialMs: 250, maxMs: 5000, jitter: 0 };

export interface KafkaSinkStats {
  queued: number;
  sent: number;
  dropped: number;
  spill: DeliveryBufferStats['spill'];
  lastError: string | null;
  lastSentAt: number | null;
}

/**
 * What the sink needs of a Kafka client: send a batch with acks=all, keyed messages to the
 * partition Kafka's default partitioner picks (murmur2 of the key, as the Java client), and
 * reject unless every message was acknowledged. The sink makes a new one after a failure.
 */
export interface SampleProducer {
  connect(): Promise<void>;
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export class KafkaSink {
  private readonly buffer: DeliveryBuffer;
  private producer: SampleProducer;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private sent = 0;
  private lastError: string | null = null;
  private lastSentAt: number | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly log: Logger,
    private readonly opts: {
      maxMessages: number;
      spill?: DiskSpill | null;
      batchMessages?: number;
      batchBytes?: number;
      lingerMs?: number;
      topics: readonly string[];
      /** Partitions, or every setting, for topics created on first use. */
      topicPartitions: number | TopicSettings;
      /** Another client's producer (bench/collector.ts compares one); default kafkajs's. */
      newProducer?: () => SampleProducer;
    },
  ) {
    this.buffer = new DeliveryBuffer(opts.maxMessages, opts.spill ?? null, log);
    this.producer = this.newProducer();
  }

  /**
   * Idempotent producer: the broker drops duplicates of a send retried inside kafkajs.
   * Retries are limited so a long outage returns control to our queue. After a failed
   * send the producer is replaced: kafkajs's idempotent producer otherwise stays stuck
   * on "out of order sequence number" once a broker restart lost its sequence state.
   * (A batch re-sent by us after a failure that did land is written again.)
   */
  private newProducer(): SampleProducer {
    return this.opts.newProducer?.() ?? kafkajsProducer(this.kafka);
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
  }

  push(samples: readonly Sample[]): void {
    for (const s of samples)
      this.buffer.push({ topic: s.topic, key: sampleKey(s.topic, s.value), value: JSON.stringify(s.value) });
    this.wake?.();
  }

  stats(): KafkaSinkStats {
    return { ...this.buffer.stats(), sent: this.sent, lastError: this.lastError, lastSentAt: this.lastSentAt };
  }

  /** Sends what is queued (waiting at most `timeoutMs`), then disconnects; what is left goes to the spill, if any. */
  async stop(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.length > 0 && Date.now() < deadline && this.lastError === null) await sleep(50);
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer.disconnect().catch(() => {});
    const unsent = this.buffer.length;
    if (unsent === 0) return;
    const lost = await this.buffer.spillAll();
    if (lost > 0)
      this.log.warn({ unsent: lost }, 'stopped with samples not delivered to Kafka (no spill configured to keep them)');
    else
      this.log.info(
        { unsent },
        'stopped with samples not delivered to Kafka; they are in the spill and are sent by the next run',
      );
  }

  private async run(): Promise<void> {
    const batchMessages = this.opts.batchMessages ?? 2000;
    // Kafka limits a record batch to message.max.bytes (1 MB by default) after
    // compression; INFO JSON compresses about 8x, so 2 MB of raw JSON per send stays well
    // inside even when one partition gets it all. A batch rejected as too large is halved.
    let maxBatchBytes = this.opts.batchBytes ?? 2 * 1024 * 1024;
    let connected = false;
    // Topics are checked once: during an outage, reconnecting is only the producer's few
    // quick retries, then our own backoff (≤ 5 s) — not the admin client's long retry chain.
    let topicsReady = false;
    let failuresInARow = 0;
    while (this.running) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 1000);
        });
        this.wake = null;
        continue;
      }
      // Give a burst of samplers a moment to add to the same batch.
      if (this.buffer.length < batchMessages) await sleep(this.opts.lingerMs ?? 20);
      const batch = await this.buffer.take(batchMessages, maxBatchBytes);
      if (!batch) continue;
      try {
        if (!connected) {
          // Inside the retry loop, so a collector started while Kafka is down still samples and buffers.
          if (!topicsReady) await ensureTopics(this.kafka, this.opts.topics, this.opts.topicPartitions);
          topicsReady = true;
          await this.producer.connect();
          connected = true;
        }
        await this.producer.send(batch.messages);
        await this.buffer.settle(batch, true);
        this.sent += batch.messages.length;
        this.lastSentAt = Date.now();
        if (this.lastError) this.log.info({ queued: this.buffer.length }, 'Kafka reachable again; sending the backlog');
        this.lastError = null;
        failuresInARow = 0;
      } catch (err) {
        await this.buffer.settle(batch, false);
        const spilling = this.opts.spill ? 'kept in memory, then on disk,' : 'kept in memory';
        if (this.lastError === null)
          this.log.warn(
            { err: errorMessage(err), queued: this.buffer.length },
            `Kafka send failed; samples ${spilling} and retried`,
          );
        this.lastError = errorMessage(err);
        if (/larger than the max message size/i.test(this.lastError) && maxBatchBytes > 64 * 1024)
          maxBatchBytes = Math.floor(maxBatchBytes / 2);
        if (/does not host this topic|unknown topic/i.test(this.lastError)) topicsReady = false;
        await this.producer.disconnect().catch(() => {});
        this.producer = this.newProducer();
        connected = false;
        await sleep(backoffMs(++failuresInARow, SEND_BACKOFF));
      }
    }
  }
}

/** The default producer: kafkajs, idempotent, gzip (level 1, common/kafka.ts). */
export function kafkajsProducer(kafka: Kafka): SampleProducer {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 3 },
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    send: async (messages) => {
      await producer.sendBatch({ topicMessages: groupByTopic(messages), acks: -1, compression: CompressionTypes.GZIP });
    },
    disconnect: () => producer.disconnect(),
  };
}

function groupByTopic(batch: readonly OutgoingMessage[]) {
  const byTopic = new Map<string, Array<{ key: string; value: string }>>();
  for (const p of batch) {
    const list = byTopic.get(p.topic) ?? [];
    byTopic.set(p.topic, list);
    list.push({ key: p.key, value: p.value });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
