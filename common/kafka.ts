// Kafka client construction and topic setup shared by the collector and the stream processor.
import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';
import kafkajs, { CompressionTypes, Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Config } from './config.ts';
import { securityConfigWarnings } from './config-security.ts';
import type { Logger } from './log.ts';
import { tlsOptions } from './tls.ts';

// kafkajs compresses GZIP at zlib's default level 6: ~15 ms of CPU per MB of sample JSON
// here. Level 1 takes ~4.6 ms per MB for batches ~20 % bigger (50 KB instead of 41 KB
// per 243 KB of INFO samples) — the collector sends ~1.3 MB/s for 60 instances, so this
// is ~1.4 % of a core. The codec table is kafkajs's own extension point; any gzip reader
// (Kafka, other consumers) reads level-1 output.
const gzipFast = promisify((input: Buffer, cb: (err: Error | null, out: Buffer) => void) =>
  gzip(input, { level: 1 }, cb),
);
const gunzip = promisify(unzip);
// Through the default export: Node's ESM loader does not see this CommonJS export by name.
kafkajs.CompressionCodecs[CompressionTypes.GZIP] = () => ({
  compress: (encoder: { buffer: Buffer }) => gzipFast(encoder.buffer),
  decompress: (buffer: Buffer) => gunzip(buffer),
});

/**
 * The first of each distinct message passes, then at most one per `intervalMs`, carrying how
 * many were held back: during a broker outage every retry of every client logs otherwise.
 */
export function repeatLimiter(
  intervalMs = 60_000,
  now: () => number = Date.now,
): (key: string) => { pass: boolean; held: number } {
  const seen = new Map<string, { at: number; held: number }>();
  return (key) => {
    const t = now();
    const last = seen.get(key);
    if (last && t - last.at < intervalMs) {
      last.held++;
      return { pass: false, held: 0 };
    }
    if (seen.size >= 1000) seen.clear(); // messages carry addresses: bounded, but never trust it
    seen.set(key, { at: t, held: 0 });
    return { pass: true, held: last?.held ?? 0 };
  };
}

/** kafkajs says this for every idempotent producer with bounded retries, which the collector's sink has on purpose (see kafka-sink.ts). */
const EXPECTED_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * `retry` replaces the default (8 retries, backoff growing to ~25 s), which also governs
 * (re)connecting: a client that runs its own backoff loop — the collector's sink — passes a
 * short chain so it notices a returning broker within seconds.
 */
export function createKafka(
  config: Config['kafka'],
  log: Logger,
  retry: { initialRetryTime: number; retries: number; maxRetryTime?: number } = { initialRetryTime: 200, retries: 8 },
): Kafka {
  for (const warning of securityConfigWarnings({ kafka: config }).slice(0, 1)) log.warn(warning);
  const ssl = tlsOptions(config.tls, 'kafka.tls');
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    // TLS and SASL as configured (common/config-security.ts); each process its own user.
    ...(ssl ? { ssl } : {}),
    ...(config.sasl ? { sasl: { ...config.sasl } as SASLOptions } : {}),
    // kafkajs logs every retry at ERROR; WARN and above through our logger is enough.
    logLevel: logLevel.WARN,
    logCreator: () => {
      const limit = repeatLimiter();
      return ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (message === EXPECTED_WARNING) return;
        const { pass, held } = limit(`${namespace} ${message}`);
        if (!pass) return;
        const fields = {
          kafka: namespace,
          broker: rest.broker,
          error: rest.error,
          ...(held > 0 ? { repeatsNotLogged: held } : {}),
        };
        if (level <= logLevel.ERROR) log.error(fields, message);
        else log.warn(fields, message);
      };
    },
    retry,
  });
}

/** How redscope creates a topic (kafka.* config); existing topics are never changed. */
export interface TopicSettings {
  partitions: number;
  /** -1: the brokers' default.replication.factor. */
  replicationFactor?: number;
  /** null: the brokers' min.insync.replicas. With acks=all, a write needs this many replicas. */
  minInsyncReplicas?: number | null;
  /** null: the brokers' log.retention.*. */
  retentionMs?: number | null;
}

export function topicSettings(kafka: Config['kafka']): TopicSettings {
  return {
    partitions: kafka.topicPartitions,
    replicationFactor: kafka.replicationFactor,
    minInsyncReplicas: kafka.minInsyncReplicas,
    retentionMs: kafka.retentionMs,
  };
}

/** The createTopics request for one topic. Pure. */
export function topicRequest(topic: string, s: TopicSettings) {
  const configEntries: Array<{ name: string; value: string }> = [];
  if (s.minInsyncReplicas != null)
    configEntries.push({ name: 'min.insync.replicas', value: String(s.minInsyncReplicas) });
  if (s.retentionMs != null) configEntries.push({ name: 'retention.ms', value: String(s.retentionMs) });
  return { topic, numPartitions: s.partitions, replicationFactor: s.replicationFactor ?? -1, configEntries };
}

/**
 * Creates the topics if missing, with `settings` (a bare number: partitions, broker defaults
 * otherwise). Safe to call from every process at start; a topic another process created in
 * the meantime is fine.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: number | TopicSettings,
): Promise<void> {
  const s = typeof settings === 'number' ? { partitions: settings } : settings;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => topicRequest(topic, s)) });
    }
  } finally {
    await admin.disconnect();
  }
}
