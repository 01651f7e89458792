// Failovers are events, on the real stack with the default alert group settings
// (group wait 200 ms, group interval 30 s, cooldown 5 min): collector → Kafka → stream
// processor → alert manager → outbox → a real HTTP endpoint.
// - Three failovers in one cluster within about 30 s, one of them a failback, each old
//   master resumed the moment its replica's promotion is visible (so each failover is
//   over — resolved — within a second or two): three firing messages, each naming its old
//   and new master, none twice.
// - A silence (added and expired through `redscope silence`, i.e. the API) holds back a
//   failover's message — recorded as silenced — and its expiry lets the next one through.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlerts } from '../alerts/index.ts';
import { startApi } from '../api/server.ts';
import { addSilence, expireSilence } from '../cli/silence.ts';
import type { RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { identifier, sql } from '../common/sql.ts';
import type { RunningStream } from '../stream/index.ts';
import { startAlertPipeline, failoversToChat } from './support/alert-pipeline.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { failOverByFreezing, shards, waitHealthy, type FailoverRun } from './support/failovers.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig } from './support/pipeline.ts';

const seeds = endpoints.redisSeeds;
const ADMIN_TOKEN = 'test-admin-token-0123456789';
let chat: ChatEndpoint;
let config: Config;
let stream: RunningStream, alerts: RunningAlerts, collector: RunningCollector;
let api: { url: string; stop(): Promise<void> };

interface WebhookAlert {
  fingerprint: string;
  notice: string;
  labels: Record<string, string>;
}
const alertsOf = (m: { body: unknown }) => ((m.body as { alerts?: WebhookAlert[] }).alerts ?? []) as WebhookAlert[];
const announces = (m: { body: unknown }, r: FailoverRun) =>
  alertsOf(m).some(
    (a) => a.notice === 'firing' && a.labels.old_master === r.oldAddr && a.labels.new_master === r.newAddr,
  );

beforeAll(async () => {
  chat = await startChatEndpoint();
  const base = testConfig();
  config = {
    ...base,
    collector: { ...base.collector, topology: { ...base.collector.topology, everyMs: 500 } },
    api: { ...base.api, port: 0, tokens: [{ name: 'ops', token: ADMIN_TOKEN, scope: 'admin' }] },
    alerts: failoversToChat(base.alerts, chat.url), // default group wait, group interval and cooldown
  };
  await waitHealthy(seeds);
  ({ stream, alerts, collector } = await startAlertPipeline(config));
  api = await startApi(config, quietLog);
  await sleep(3000); // the collector's first views of the cluster
});

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  await alerts?.stop();
  await api?.stop();
  await chat?.close();
  await waitHealthy(seeds).catch(() => {});
  await dropDatabase(config);
});

describe('failovers are events', () => {
  it('three failovers in one cluster within 30 s, one a failback, each old master resumed as soon as its replica is promoted: three firing messages naming old and new master', async () => {
    await waitHealthy(seeds);
    const [first, second] = await shards(seeds);
    const r1 = await failOverByFreezing(seeds, first!);
    const r2 = await failOverByFreezing(seeds, second!);
    await waitHealthy(seeds); // the first old master back and linked as a replica: a failback can happen
    const back = (await shards(seeds)).find((s) => s.master.id === r1.newId)!;
    const r3 = await failOverByFreezing(seeds, back);
    expect([r3.oldAddr, r3.newAddr]).toEqual([r1.newAddr, r1.oldAddr]); // the failback
    console.log(`three failovers within ${((r3.promotedAt - r1.stoppedAt) / 1000).toFixed(1)} s`);

    for (const r of [r1, r2, r3])
      await eventually(async () => chat.received.some((m) => announces(m, r)), Boolean, {
        timeoutMs: 30_000,
        what: `a firing message for ${r.oldAddr} → ${r.newAddr}`,
      });
    await sleep(3000); // anything sent twice would be here by now
    const firingNotices = chat.received.flatMap((m) => alertsOf(m).filter((a) => a.notice === 'firing'));
    expect(firingNotices).toHaveLength(3);
    expect(new Set(firingNotices.map((a) => a.fingerprint)).size).toBe(3);
  });

  it('a silence holds a failover’s message back (recorded as silenced), also its resolution after the silence ended; the next failover goes out', async () => {
    const client = { api: api.url, token: ADMIN_TOKEN };
    const added = await addSilence(client, { cluster: 'local', rule: 'failover', for: '2h', comment: 'upgrade' });
    const id = /^silence (\S+) active/.exec(added)![1]!;
    await eventually(
      async () => alerts.manager.silenceCount,
      (n) => n >= 1,
      { what: 'the manager to read the silence' },
    );

    await waitHealthy(seeds);
    const before = chat.received.length;
    const [shard] = await shards(seeds);
    // The old master stays frozen until the silence has ended: its failover resolves after it.
    const HOLD_MS = 20_000;
    const freezing = failOverByFreezing(seeds, shard!, { holdMs: HOLD_MS });
    freezing.catch(() => {}); // awaited below; a failure before that must not go unhandled
    const silenced = {
      oldAddr: `${shard!.master.host}:${shard!.master.port}`,
      newAddr: `${shard!.replica.host}:${shard!.replica.port}`,
    };
    let silencedFingerprint = '';
    const ch = createClickHouse(config.clickhouse);
    try {
      const recorded = await eventually(
        async () => {
          const rs = await ch.query({
            query:
              sql`SELECT fingerprint, notification_id FROM ${identifier(`${config.clickhouse.database}.alerts`)} FINAL WHERE transition = 'silenced' AND has(label_values, ${silenced.oldAddr}) AND has(label_values, ${silenced.newAddr})`
                .text,
            format: 'JSONEachRow',
          });
          return rs.json<{ fingerprint: string; notification_id: string }>();
        },
        (rows) => rows.length > 0,
        { timeoutMs: 30_000, what: 'the failover recorded as silenced' },
      );
      expect(recorded[0]!.notification_id).toBe(id);
      silencedFingerprint = recorded[0]!.fingerprint;
    } finally {
      await ch.close();
    }
    const mentionsSilenced = () =>
      chat.received.slice(before).some((m) => alertsOf(m).some((a) => a.fingerprint === silencedFingerprint));
    expect(mentionsSilenced()).toBe(false);

    expect(await expireSilence(client, id)).toMatch(/expired/);
    await eventually(
      async () => alerts.manager.silenceCount,
      (n) => n === 0,
      { what: 'the manager to drop the silence' },
    );
    const droppedAt = Date.now();
    const run = await freezing; // resumed now, after the silence: the silenced failover resolves
    expect(droppedAt).toBeLessThan(run.promotedAt + HOLD_MS);
    await waitHealthy(seeds);
    await sleep(3000); // its resolved message, were it owed, would be here by now
    const next = await failOverByFreezing(seeds, (await shards(seeds))[1]!);
    await eventually(async () => chat.received.some((m) => announces(m, next)), Boolean, {
      timeoutMs: 30_000,
      what: 'the next failover in chat after the silence expired',
    });
    // The silenced one is not sent after the silence ends (neither firing nor its resolution, which came after it).
    const mentioning = chat.received
      .slice(before)
      .flatMap((m) => alertsOf(m).filter((a) => a.fingerprint === silencedFingerprint));
    expect(mentioning.map((a) => a.notice)).toEqual([]);
  });
});
