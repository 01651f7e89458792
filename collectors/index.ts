// Starts a collector process: config → samplers → Kafka sink → runtime.
import type { Config } from '../common/config.ts';
import { errorMessage } from '../common/errors.ts';
import { createKafka, topicSettings } from '../common/kafka.ts';
import { tlsOptions } from '../common/tls.ts';
import type { Logger } from '../common/log.ts';
import { SAMPLE_TOPICS } from '../contracts/index.ts';
import { Collector } from './collector.ts';
import { DiskSpill } from './disk-spill.ts';
import { KafkaSink, type SampleProducer } from './kafka-sink.ts';
import { startHealthServer } from './health-server.ts';
import { buildSamplers } from './samplers/index.ts';

export { Collector } from './collector.ts';
export { KafkaSink } from './kafka-sink.ts';

export interface RunningCollector {
  collector: Collector;
  sink: KafkaSink;
  /** Where GET /health answers, when enabled. */
  healthUrl: string | null;
  stop(): Promise<void>;
}

/** `newProducer`: another Kafka client's producer than kafkajs's (the collector benchmark compares one). */
export async function startCollector(
  config: Config,
  log: Logger,
  newProducer?: () => SampleProducer,
): Promise<RunningCollector> {
  // A TLS file that cannot be read stops the collector now, naming the setting, not at each connect.
  for (const [i, t] of config.collector.clusters.entries()) tlsOptions(t.tls, `collector.clusters[${i}].tls`);
  for (const [i, t] of config.collector.instances.entries()) tlsOptions(t.tls, `collector.instances[${i}].tls`);
  // The sink retries on its own (backoff ≤ 5 s, samples kept meanwhile): a short client chain.
  const kafka = createKafka(config.kafka, log, { initialRetryTime: 200, retries: 2, maxRetryTime: 2000 });
  const { dir: spillDir, maxBytes: spillMaxBytes } = config.collector.spill;
  const spill = spillDir
    ? await DiskSpill.open({ dir: spillDir, maxBytes: spillMaxBytes }, log).catch((err: unknown) => {
        throw new Error(`collector.spill.dir ${spillDir}: cannot use it as the spill directory: ${errorMessage(err)}`);
      })
    : null;
  const sink = new KafkaSink(kafka, log, {
    maxMessages: config.collector.bufferMaxMessages,
    spill,
    lingerMs: config.collector.sendLingerMs,
    topics: SAMPLE_TOPICS,
    topicPartitions: topicSettings(config.kafka),
    ...(newProducer ? { newProducer } : {}),
  });
  await sink.start();
  const collector = new Collector(config.collector, buildSamplers(config.collector), sink, log);
  await collector.start();
  const health = config.collector.health
    ? await startHealthServer(collector, sink, config.collector.health.host, config.collector.health.port)
    : null;
  log.info({ instances: collector.instances().length, health: health?.url }, 'collector started');
  return {
    collector,
    sink,
    healthUrl: health?.url ?? null,
    async stop() {
      await health?.close();
      await collector.stop();
      await sink.stop();
    },
  };
}
