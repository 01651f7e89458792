#!/usr/bin/env -S npx tsx
// redscope's command line: each stage as its own process (collector, stream, api), the
// local stack, and `dev`, which runs everything on one box for a first look.
import { Command } from 'commander';
import { loadConfig, type Config } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { registerAlertCommands } from '../alerts/cli.ts';
import { registerApiClientCommands } from './api-client.ts';
import { registerDoctorCommand } from './doctor/index.ts';
import { registerScanCommand } from './scan.ts';
import { registerSilenceCommands } from './silence.ts';
import { registerStackCommands } from '../stack/cli.ts';
import { runDev } from './dev.ts';
import { runUntilSignal } from '../common/signals.ts';

const program = new Command('redscope').description(
  'Monitoring and response-time analytics for Redis and Redis Cluster fleets',
);
program.option(
  '-c, --config <file>',
  'YAML config file (default: $REDSCOPE_CONFIG, else built-in defaults for the local stack)',
);

function config(): Config {
  return loadConfig({ file: program.opts().config });
}

program
  .command('collector')
  .description('sample every Redis instance this host watches and produce to Kafka')
  .action(async () => {
    const cfg = config();
    const log = createLogger('collector');
    const { startCollector } = await import('../collectors/index.ts');
    await runUntilSignal(log, await startCollector(cfg, log));
  });

program
  .command('stream')
  .description('consume samples from Kafka and store them in ClickHouse')
  .action(async () => {
    const cfg = config();
    const log = createLogger('stream');
    const { startStream } = await import('../stream/index.ts');
    await runUntilSignal(log, await startStream(cfg, log));
  });

program
  .command('api')
  .description('serve the HTTP API')
  .option(
    '--allow-no-auth',
    'serve without tokens on a non-loopback address (api.allowNoAuth): an open API, on purpose',
  )
  .action(async (opts: { allowNoAuth?: boolean }) => {
    const base = config();
    const cfg = opts.allowNoAuth ? { ...base, api: { ...base.api, allowNoAuth: true } } : base;
    const log = createLogger('api');
    const { startApi } = await import('../api/server.ts');
    await runUntilSignal(log, await startApi(cfg, log));
  });

program
  .command('migrate')
  .description('apply ClickHouse schema migrations and exit')
  .option(
    '--accept-edited <versions>',
    'record the current checksum of these applied migrations (comma-separated versions) after an intended edit',
  )
  .action(async (opts: { acceptEdited?: string }) => {
    const cfg = config();
    const acceptEdited = (opts.acceptEdited ?? '')
      .split(',')
      .filter(Boolean)
      .map((v) => {
        if (!/^\d+$/.test(v.trim())) throw new Error(`--accept-edited: not a migration version: ${JSON.stringify(v)}`);
        return Number(v);
      });
    const { createClickHouse } = await import('../common/clickhouse.ts');
    const { migrateSchema } = await import('../clickhouse/migration-leader.ts');
    const client = createClickHouse(cfg.clickhouse, { role: 'migrator' });
    try {
      const r = await migrateSchema(client, cfg, createLogger('migrate', 'warn'), { acceptEdited });
      const done = [
        r.applied.length > 0 ? `applied migrations ${r.applied.join(', ')}` : '',
        r.derived.length > 0 ? `created ${r.derived.join(', ')}` : '',
        r.backfilled.length > 0 ? `recorded checksums of ${r.backfilled.join(', ')}` : '',
      ].filter(Boolean);
      console.log(done.length > 0 ? done.join('; ') : 'schema is up to date');
    } finally {
      await client.close();
    }
  });

program
  .command('dev')
  .description(
    'start the local stack, collector, stream processor, alerts, API and a workload generator; Ctrl-C stops all',
  )
  .option('--no-workload', 'do not generate traffic')
  .action(async (opts: { workload: boolean }) => {
    await runDev(config(), { workload: opts.workload });
  });

registerAlertCommands(program);
registerDoctorCommand(program, config);
registerApiClientCommands(program);
registerScanCommand(program);
registerSilenceCommands(program);
registerStackCommands(program);

program.parseAsync().catch((err: unknown) => {
  console.error(`redscope: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
