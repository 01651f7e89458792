// `redscope dev`: the whole pipeline on one box against the local stack, for a first look.
// Ctrl-C stops the components and then the stack services this run started (a stack
// that was already running is left running).
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { stackDown, stackSecurity, stackUp } from '../stack/index.ts';
import { runUntilSignal } from '../common/signals.ts';
import { startWorkload } from './workload.ts';

export async function runDev(base: Config, opts: { workload: boolean }): Promise<void> {
  const log = createLogger('dev');
  console.log(
    'redscope dev: starting the local stack (first run installs Redis/ClickHouse and fetches Kafka; a few minutes)…',
  );
  const { endpoints, started } = await stackUp();
  // Each component as its ClickHouse role, as in production: the API reads as redscope_reader.
  const { credentials } = await stackSecurity();
  const config: Config = {
    ...base,
    kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers },
    clickhouse: {
      ...base.clickhouse,
      url: endpoints.clickhouseUrl,
      users: base.clickhouse.users ?? credentials.clickhouse,
    },
    collector: { ...base.collector, clusters: [{ name: 'local', seeds: endpoints.redisSeeds.slice(0, 1) }] },
  };
  const { startStream } = await import('../stream/index.ts');
  const { startCollector } = await import('../collectors/index.ts');
  const { startApi } = await import('../api/server.ts');
  const { startAlerts } = await import('../alerts/index.ts');
  const stream = await startStream(config, createLogger('stream'));
  const alerts = await startAlerts(config, createLogger('alerts'));
  const collector = await startCollector(config, createLogger('collector'));
  const api = await startApi(config, createLogger('api'));
  const workload = opts.workload ? startWorkload(endpoints.redisSeeds, log) : null;
  const instance = collector.collector.instances()[0] ?? '127.0.0.1:7000';

  console.log(`
redscope is running.
  Redis Cluster   ${endpoints.redisSeeds.join(' ')}
  Kafka           ${endpoints.kafkaBrokers.join(' ')}
  ClickHouse      ${endpoints.clickhouseUrl}
  API             ${api.url}

Chat alerts go to the receivers in the config's alerts section (none by default).

Try:
  curl '${api.url}/v1/instances/${instance}/metrics?names=connected_clients,used_memory,instantaneous_ops_per_sec'

Ctrl-C stops everything${started.length ? ` (and the stack services started now: ${started.join(', ')})` : ' (the stack was already running and is left running)'}.
`);

  await runUntilSignal(log, {
    async stop() {
      await workload?.stop();
      await collector.stop();
      await stream.stop();
      await alerts.stop();
      await api.stop();
      if (started.length > 0) await stackDown();
    },
  });
}
