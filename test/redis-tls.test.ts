// Redis TLS for real: a TLS-only Redis Cluster (stack/redis-tls.ts) whose certificates
// name a host, never an IP, and which requires client certificates. The collector finds
// the nodes by IP through CLUSTER NODES and verifies each against tls.serverName; a wrong
// CA, a missing server name or a missing client certificate is refused with a message
// that says what to fix — in the discovery error and in the instance's own status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../collectors/index.ts';
import { discoverCluster } from '../collectors/discovery.ts';
import { connectRedis } from '../collectors/redis-connection.ts';
import type { Config } from '../common/config.ts';
import type { TlsFiles } from '../common/config-security.ts';
import { errorMessage } from '../common/errors.ts';
import { stackPortsFromEnv, stackSecurity } from '../stack/index.ts';
import { startTlsRedisCluster, TLS_REDIS_NODE_COUNT, type TlsRedisCluster } from '../stack/redis-tls.ts';
import { REDIS_NODE_NAME, type StackTls } from '../stack/tls.ts';
import { eventually, quietLog, testConfig } from './support/pipeline.ts';

let cluster: TlsRedisCluster;
let tls: StackTls;
let good: TlsFiles;

beforeAll(async () => {
  tls = (await stackSecurity()).tls;
  good = { caFile: tls.caFile, certFile: tls.clientCert, keyFile: tls.clientKey, serverName: REDIS_NODE_NAME };
  cluster = await startTlsRedisCluster({
    basePort: stackPortsFromEnv().redisTlsBasePort,
    dataDir: `${process.cwd()}/.redscope/test-redis-tls`,
    tls,
  });
});
afterAll(() => cluster?.stop());

const target = (t: TlsFiles | boolean) => ({ name: 'tls', seeds: cluster.seeds.slice(0, 1), tls: t });
const discoveryError = (t: TlsFiles | boolean) =>
  discoverCluster(target(t), 2000).then(
    () => '',
    (err: unknown) => errorMessage(err),
  );

describe('Redis over TLS', () => {
  it('discovers every node by IP and verifies each against tls.serverName; commands run over TLS', async () => {
    const nodes = await discoverCluster(target(good), 2000);
    expect(nodes).toHaveLength(TLS_REDIS_NODE_COUNT);
    for (const n of nodes) {
      expect(n.ref.host).toBe('127.0.0.1'); // what CLUSTER NODES announces: an IP, not the certificate's name
      const redis = connectRedis(n.endpoint, 2000);
      redis.on('error', () => {});
      try {
        await redis.connect();
        expect(await redis.call('PING')).toBe('PONG');
        expect(String(await redis.call('INFO', 'server'))).toMatch(/redis_version:/);
      } finally {
        redis.disconnect();
      }
    }
  });

  it('the collector samples every TLS node', async () => {
    const base = testConfig();
    const config: Config = { ...base, collector: { ...base.collector, clusters: [target(good)] } };
    const running = await startCollector(config, quietLog);
    try {
      await eventually(
        async () => running.collector.health().filter((h) => h.sampler === 'info' && h.lastSuccessAt !== null).length,
        (n) => n === TLS_REDIS_NODE_COUNT,
        { what: 'INFO sampled on every TLS node' },
      );
    } finally {
      await running.stop();
    }
  });

  it('a wrong CA is refused, and the error says to set tls.caFile', async () => {
    const message = await discoveryError({ ...good, caFile: tls.otherCaFile });
    expect(message).toMatch(/no seed answered/);
    expect(message).toMatch(/not signed by a trusted CA: set tls\.caFile/);
  });

  it('the system CAs (tls: true) do not know a private CA: refused the same way', async () => {
    expect(await discoveryError(true)).toMatch(/not signed by a trusted CA: set tls\.caFile/);
  });

  it('a node reached by IP whose certificate names a host is refused without tls.serverName, saying so', async () => {
    const { serverName: _, ...withoutName } = good;
    expect(await discoveryError(withoutName)).toMatch(
      /does not name the host connected to: set tls\.serverName to a name the certificate carries/,
    );
  });

  it('without a client certificate the server refuses the connection, and the error asks for one', async () => {
    const { certFile: _c, keyFile: _k, ...noClientCert } = good;
    expect(await discoveryError(noClientCert)).toMatch(/client certificate.*set tls\.certFile and tls\.keyFile/);
  });

  it("an instance the collector cannot verify reports why in its own status, not just 'stream isn't writeable'", async () => {
    const base = testConfig();
    const config: Config = {
      ...base,
      collector: {
        ...base.collector,
        clusters: [],
        instances: [{ address: cluster.seeds[0]!, cluster: 'tls', tls: { ...good, caFile: tls.otherCaFile } }],
      },
    };
    const running = await startCollector(config, quietLog);
    try {
      const errors = await eventually(
        async () =>
          running.collector.health().flatMap((h) => (h.sampler === 'info' && h.lastError ? [h.lastError] : [])),
        (e) => e.length > 0,
        { what: 'the INFO sampler to fail' },
      );
      expect(errors[0]).toMatch(/cannot connect: .*TLS: the server's certificate is not signed by a trusted CA/);
    } finally {
      await running.stop();
    }
  });
});
