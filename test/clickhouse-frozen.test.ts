// Delivery must not wait on storage. ClickHouse frozen (SIGSTOP), then a master frozen and
// resumed at its replica's promotion → the failover reaches chat while ClickHouse is
// still frozen. ClickHouse back → the alert's records land once (fired, notified, the
// delivery), no second message, and every sample read ahead of storage meanwhile is
// stored exactly once (the processor's unstored bound is small here, so it reads ahead
// of the stalled insert within seconds). Default alert group settings.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlerts } from '../alerts/index.ts';
import type { RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { identifier, sql } from '../common/sql.ts';
import { clickhousePid } from '../stack/clickhouse.ts';
import { stackDataDir } from '../stack/index.ts';
import type { RunningStream } from '../stream/index.ts';
import { startAlertPipeline, failoversToChat } from './support/alert-pipeline.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { failOverByFreezing, shards, waitHealthy } from './support/failovers.ts';
import { dropDatabase, endpoints, eventually, testConfig } from './support/pipeline.ts';

const seeds = endpoints.redisSeeds;
let chat: ChatEndpoint;
let config: Config;
let stream: RunningStream, alerts: RunningAlerts, collector: RunningCollector;
let chPid: number | undefined;

interface WebhookAlert {
  fingerprint: string;
  notice: string;
  labels: Record<string, string>;
}
const notices = () =>
  chat.received.flatMap((m) => ((m.body as { alerts?: WebhookAlert[] }).alerts ?? []) as WebhookAlert[]);

beforeAll(async () => {
  chPid = clickhousePid(stackDataDir());
  chat = await startChatEndpoint();
  const base = testConfig();
  config = {
    ...base,
    collector: { ...base.collector, topology: { ...base.collector.topology, everyMs: 500 } },
    // A small unstored bound (2 × flushMessages): with the insert stalled, the processor
    // reads ahead of storage within seconds instead of minutes.
    stream: { ...base.stream, flushMessages: 50 },
    alerts: failoversToChat(base.alerts, chat.url),
  };
  await waitHealthy(seeds);
  ({ stream, alerts, collector } = await startAlertPipeline(config));
  await sleep(3000);
});

afterAll(async () => {
  if (chPid) process.kill(chPid, 'SIGCONT');
  await collector?.stop();
  await stream?.stop();
  await alerts?.stop();
  await chat?.close();
  await waitHealthy(seeds).catch(() => {});
  await dropDatabase(config);
});

async function rows<T>(query: string): Promise<T[]> {
  const ch = createClickHouse(config.clickhouse);
  try {
    return await (await ch.query({ query, format: 'JSONEachRow' })).json<T>();
  } finally {
    await ch.close();
  }
}

describe('ClickHouse frozen', () => {
  it('a failover reaches chat while ClickHouse is frozen; once it is back the records land once and nothing is sent twice', async () => {
    expect(chPid, 'the stack’s clickhouse-server pid (tests freeze it)').toBeDefined();
    const db = config.clickhouse.database;
    const shard = (await shards(seeds))[0]!;
    let fingerprint = '';
    process.kill(chPid!, 'SIGSTOP');
    try {
      await sleep(8000); // the insert in flight stalls; the processor reads ahead of storage
      const r = await failOverByFreezing(seeds, shard);
      const firing = await eventually(
        async () =>
          notices().find(
            (a) => a.notice === 'firing' && a.labels.old_master === r.oldAddr && a.labels.new_master === r.newAddr,
          ),
        Boolean,
        { timeoutMs: 30_000, what: 'the failover in chat while ClickHouse is frozen' },
      );
      fingerprint = firing!.fingerprint;
      expect(stream.processor.stats.readAhead).toBeGreaterThan(0);
      expect(alerts.manager.stats.recordsPending).toBeGreaterThan(0); // its records wait for ClickHouse
    } finally {
      process.kill(chPid!, 'SIGCONT');
    }

    // ClickHouse back: the alert's records land, once.
    const history = await eventually(
      () =>
        rows<{ transition: string; n: string }>(
          sql`SELECT transition, count() AS n FROM ${identifier(`${db}.alerts`)} FINAL WHERE fingerprint = ${fingerprint} GROUP BY transition ORDER BY transition`
            .text,
        ),
      (hs) => hs.some((h) => h.transition === 'fired') && hs.some((h) => h.transition === 'notified'),
      { timeoutMs: 90_000, what: 'the alert records written after ClickHouse returned' },
    );
    expect(history.find((h) => h.transition === 'fired')?.n).toBe('1');
    await eventually(
      () =>
        rows<{ n: string }>(
          sql`SELECT count() AS n FROM ${identifier(`${db}.alert_deliveries`)} WHERE has(fingerprints, ${fingerprint}) AND outcome = 'ok'`
            .text,
        ),
      (r) => Number(r[0]?.n) >= 1,
      { timeoutMs: 60_000, what: 'the delivery recorded' },
    );
    await sleep(10_000); // a second message would come now, if any
    expect(notices().filter((a) => a.fingerprint === fingerprint && a.notice === 'firing')).toHaveLength(1);

    // Every sample read ahead of storage is stored, exactly once: per partition the stored
    // offsets are contiguous (nothing lost) and each appears once (nothing twice).
    await eventually(
      async () => stream.processor.stats.readAhead > 0 && stream.processor.writer.unstoredMessages === 0,
      Boolean,
      {
        timeoutMs: 60_000,
        what: 'storage caught up',
      },
    );
    await sleep(5000);
    const parts = await rows<{ p: number; n: string; distinct: string; lo: string; hi: string }>(
      `SELECT kafka_partition AS p, count() AS n, uniqExact(kafka_offset) AS distinct, min(kafka_offset) AS lo, max(kafka_offset) AS hi FROM ${identifier(`${db}.info_samples`).text} GROUP BY p ORDER BY p`,
    );
    expect(parts.length).toBeGreaterThan(0);
    for (const p of parts) {
      expect(p.n, `partition ${p.p}: each offset once`).toBe(p.distinct);
      expect(Number(p.distinct), `partition ${p.p}: no offset missing`).toBe(Number(p.hi) - Number(p.lo) + 1);
    }
  });
});
