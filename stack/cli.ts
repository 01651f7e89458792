// `redscope stack up|down|status|reset`. Ports and the data dir come from the
// REDSCOPE_STACK_* environment variables (see stack/index.ts).
import type { Command } from 'commander';
import { stackDataDir, stackDown, stackReset, stackStatus, stackUp, type StackEndpoints } from './index.ts';

function printEndpoints(endpoints: StackEndpoints): void {
  console.log(`redis seeds:    ${endpoints.redisSeeds.join(',')}`);
  console.log(`kafka brokers:  ${endpoints.kafkaBrokers.join(',')}`);
  console.log(`clickhouse url: ${endpoints.clickhouseUrl}`);
  console.log(
    `kafka SASL_SSL: ${endpoints.kafkaSaslSslBrokers.join(',')} (SCRAM/PLAIN users in ${stackDataDir()}/credentials.json)`,
  );
  console.log(`clickhouse TLS: ${endpoints.clickhouseHttpsUrl} (CA ${stackDataDir()}/tls/ca.crt)`);
}

function printCluster(endpoints: StackEndpoints): void {
  console.log(`clickhouse cluster ${endpoints.clickhouseCluster.name}: ${endpoints.clickhouseCluster.urls.join(', ')}`);
}

function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      console.error(`error: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  };
}

export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description(
      'start/stop the local Redis Cluster, Kafka and ClickHouse (plain processes, data under REDSCOPE_STACK_DIR)',
    );

  stack
    .command('up')
    .description('start whatever is not running and wait until all services answer')
    .option(
      '--ch-cluster',
      'also start ZooKeeper and a two-replica ClickHouse cluster (clickhouse.cluster: redscope_cluster)',
    )
    .action(
      action(async (opts: { chCluster?: boolean }) => {
        const t0 = Date.now();
        const { endpoints, started } = await stackUp({ clickhouseCluster: opts.chCluster === true });
        const what = started.length > 0 ? `started ${started.join(', ')}` : 'already running';
        console.log(`stack up (${what}) in ${((Date.now() - t0) / 1000).toFixed(1)} s, data in ${stackDataDir()}`);
        printEndpoints(endpoints);
        if (opts.chCluster) printCluster(endpoints);
      }),
    );

  stack
    .command('down')
    .description('stop the services started from the data dir; data is kept')
    .action(
      action(async () => {
        await stackDown();
        console.log('stack down');
      }),
    );

  stack
    .command('status')
    .description('show whether each service answers; exit code 1 when any is down')
    .option('--ch-cluster', 'also the ZooKeeper and ClickHouse cluster of `up --ch-cluster`')
    .action(
      action(async (opts: { chCluster?: boolean }) => {
        const rows = await stackStatus({ clickhouseCluster: opts.chCluster === true });
        const width = Math.max(...rows.map((r) => r.service.length));
        for (const row of rows) {
          console.log(`${row.service.padEnd(width)}  ${row.up ? 'up  ' : 'DOWN'}  ${row.detail}`);
        }
        if (rows.some((r) => !r.up)) process.exitCode = 1;
      }),
    );

  stack
    .command('reset')
    .description('stop everything and delete the data dir (Kafka jars and chDB venv included)')
    .action(
      action(async () => {
        await stackReset();
        console.log('stack reset');
      }),
    );
}
