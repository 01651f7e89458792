// `redscope collector`, with the sink on @platformatic/kafka: the B side of the collector
// benchmark's client A/B (bench/collector.ts). Same config, samplers and runtime.
import { loadConfig } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { runUntilSignal } from '../common/signals.ts';
import { startCollector } from '../collectors/index.ts';
import { platformaticProducer } from './platformatic-producer.ts';

const file = process.argv[process.argv.indexOf('--config') + 1];
const config = loadConfig({ file });
const log = createLogger('collector');
await runUntilSignal(
  log,
  await startCollector(config, log, () => platformaticProducer(config.kafka.brokers, config.kafka.clientId)),
);
