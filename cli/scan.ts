// `redscope scan --address host:port`: one keyspace scan on demand, printed as tables of
// the top patterns and keys (or the KeyspaceScanV1 as JSON). Scans through a replica
// like the collector does, unless --no-replica or the address is itself a replica.
// Credentials come from REDSCOPE_REDIS_USERNAME / REDSCOPE_REDIS_PASSWORD, never from flags;
// TLS from REDSCOPE_REDIS_TLS, _TLS_CA_FILE, _TLS_CERT_FILE, _TLS_KEY_FILE, _TLS_SERVER_NAME.
import type { Command } from 'commander';
import type { KeyspaceOptions } from '../collectors/samplers/keyspace/run-scan.ts';

interface ScanFlags {
  address: string;
  mode?: 'lua' | 'pipeline';
  rate?: string;
  batch?: string;
  replica: boolean;
  fast?: boolean;
  top: string;
  json?: boolean;
}

function positiveInt(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`--${name}: expected a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description("scan one instance's keyspace now: key patterns, big keys, keys without TTL")
    .requiredOption('-a, --address <host:port>', 'the instance (a master is scanned through one of its replicas)')
    .option('--mode <mode>', 'lua (default) or pipeline')
    .option('--rate <keysPerSecond>', 'rate limit, keys per second (0 = unlimited)')
    .option('--batch <keys>', 'keys per SCAN batch')
    .option('--no-replica', 'scan the given instance even when it has replicas')
    .option(
      '--fast',
      'fastest setting: no rate limit, 10,000-key Lua batches (~35 ms each), no latency guard (not for busy production masters)',
    )
    .option('--top <n>', 'rows per table', '20')
    .option('--json', 'print the KeyspaceScanV1 message instead of tables')
    .action(async (flags: ScanFlags) => {
      // Loaded here so other commands do not pay for them at start.
      const [
        { Redis },
        { loadConfig, redisTlsFromEnv },
        { tlsOptions },
        { createLogger },
        { splitAddress },
        { scanShard },
        { renderScanReport },
      ] = await Promise.all([
        import('ioredis'),
        import('../common/config.ts'),
        import('../common/tls.ts'),
        import('../common/log.ts'),
        import('../collectors/redis-connection.ts'),
        import('../collectors/samplers/keyspace/run-scan.ts'),
        import('./scan-report.ts'),
      ]);
      const cfg = loadConfig({ file: program.opts().config });
      const log = createLogger('scan');
      if (!/^[^\s:]+:\d{1,5}$/.test(flags.address))
        throw new Error(`--address: expected host:port, got ${JSON.stringify(flags.address)}`);
      if (flags.mode && flags.mode !== 'lua' && flags.mode !== 'pipeline')
        throw new Error(`--mode: expected lua or pipeline, got ${JSON.stringify(flags.mode)}`);
      const base = cfg.collector.keyspace;
      const opts: KeyspaceOptions = {
        ...base,
        preferReplica: flags.replica,
        ...(flags.fast
          ? {
              keysPerSecond: 0,
              batchKeys: 10_000,
              mode: 'lua' as const,
              latencyGuard: { ...base.latencyGuard, enabled: false },
            }
          : {}),
        ...(flags.mode ? { mode: flags.mode } : {}),
        ...(flags.rate !== undefined ? { keysPerSecond: positiveInt('rate', flags.rate) } : {}),
        ...(flags.batch !== undefined ? { batchKeys: Math.max(1, positiveInt('batch', flags.batch)) } : {}),
        topN: Math.min(100, Math.max(1, positiveInt('top', flags.top))),
        progressEveryMs: 5000,
      };
      const { host, port } = splitAddress(flags.address);
      const env = process.env;
      const tls = tlsOptions(redisTlsFromEnv(env), 'REDSCOPE_REDIS_TLS');
      const redis = new Redis({
        host,
        port,
        lazyConnect: true,
        connectionName: 'redscope-scan-cli',
        ...(env.REDSCOPE_REDIS_USERNAME ? { username: env.REDSCOPE_REDIS_USERNAME } : {}),
        ...(env.REDSCOPE_REDIS_PASSWORD ? { password: env.REDSCOPE_REDIS_PASSWORD } : {}),
        ...(tls ? { tls } : {}),
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      redis.on('error', () => {});
      try {
        await redis.connect();
        const result = await scanShard(redis, { id: flags.address, host, port, cluster: 'cli' }, opts, {
          collector: cfg.collector.name,
          commandTimeoutMs: 30_000,
          explicit: true,
          log,
          onProgress: (p) =>
            console.error(
              `scan ${flags.address}: ${p.percent}% (${p.keysScanned}/${p.dbsize} keys, ${(p.elapsedMs / 1000).toFixed(0)} s, paused ${p.pausedMs} ms)`,
            ),
        });
        if ('skipped' in result) throw new Error(`not scanned: ${result.skipped}`);
        console.log(
          flags.json
            ? JSON.stringify(result.keyspace, null, 2)
            : renderScanReport(result.keyspace, result.hotkeys, { top: opts.topN }),
        );
      } finally {
        redis.disconnect();
      }
    });
}
