// Starts a collector process: config → samplers → Kafka sink → runtime.
import type { Config } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { SAMPLE_TOPICS } from '../contracts/index.ts';
import { Collector } from './collector.ts';
import { KafkaSink } from './kafka-sink.ts';
import { buildSamplers } from './samplers/index.ts';

export { Collector } from './collector.ts';
export { KafkaSink } from './kafka-sink.ts';

export interface RunningCollector {
  collector: Collector;
  sink: KafkaSink;
  stop(): Promise<void>;
}

export async function startCollector(config: Config, log: Logger): Promise<RunningCollector> {
  const kafka = createKafka(config.kafka, log);
  const sink = new KafkaSink(kafka, log, { maxMessages: config.collector.bufferMaxMessages, topics: SAMPLE_TOPICS, topicPartitions: config.kafka.topicPartitions });
  await sink.start();
  const collector = new Collector(config.collector, buildSamplers(config.collector), sink, log);
  await collector.start();
  log.info({ instances: collector.instances().length }, 'collector started');
  return {
    collector,
    sink,
    async stop() {
      await collector.stop();
      await sink.stop();
    },
  };
}
