// A failover's cause, on the real stack: the old master made unresponsive by
// - DEBUG SLEEP beyond cluster-node-timeout,
// - a busy Lua script,
// - DEL of a hash of a million fields or more (with cluster-node-timeout lowered, since a DEL that
//   long takes well under a second here),
// each failing it over → the cause named, in the failover message or its follow-up, is
// that command, and GET /v1/clusters/{c}/events shows it; and a plain SIGSTOP → no
// command named. Default alert group settings.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlerts } from '../alerts/index.ts';
import { buildApp } from '../api/app.ts';
import type { RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { RunningStream } from '../stream/index.ts';
import { startAlertPipeline, failoversToChat } from './support/alert-pipeline.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import {
  failOverByCommand,
  failOverByFreezing,
  setNodeTimeout,
  shards,
  waitHealthy,
  type FailoverRun,
  type Shard,
} from './support/failovers.ts';
import { dropDatabase, endpoints, eventually, testConfig } from './support/pipeline.ts';

const seeds = endpoints.redisSeeds;
let chat: ChatEndpoint;
let config: Config;
let stream: RunningStream, alerts: RunningAlerts, collector: RunningCollector;
const clickhouse = () => createClickHouse(config.clickhouse);

interface WebhookAlert {
  fingerprint: string;
  notice: string;
  labels: Record<string, string>;
  hints: string[];
}
const noticesFor = (r: FailoverRun) =>
  chat.received
    .flatMap((m) => ((m.body as { alerts?: WebhookAlert[] }).alerts ?? []) as WebhookAlert[])
    .filter(
      (a) =>
        a.labels.old_master === r.oldAddr && a.labels.new_master === r.newAddr && Number(a.labels.config_epoch) > 0,
    )
    .filter((a) => a.fingerprint === fingerprintOf(r));
const fingerprints = new Map<FailoverRun, string>();
const fingerprintOf = (r: FailoverRun) => fingerprints.get(r) ?? '';

/** The failover's notices in chat once its firing one is there (remembering its fingerprint: the newest firing for this pair). */
async function announced(r: FailoverRun): Promise<void> {
  const firing = await eventually(
    async () =>
      chat.received
        .filter((m) => m.at >= r.stoppedAt)
        .flatMap((m) => ((m.body as { alerts?: WebhookAlert[] }).alerts ?? []) as WebhookAlert[])
        .find((a) => a.notice === 'firing' && a.labels.old_master === r.oldAddr && a.labels.new_master === r.newAddr),
    Boolean,
    { timeoutMs: 30_000, what: `the firing message for ${r.oldAddr} → ${r.newAddr}` },
  );
  fingerprints.set(r, firing!.fingerprint);
}

/** The cause named for this failover in chat (firing, follow-up or resolved), once there is one. */
async function causeInChat(r: FailoverRun): Promise<string> {
  await announced(r);
  const withCause = await eventually(async () => noticesFor(r).find((a) => a.labels.cause), Boolean, {
    timeoutMs: 60_000,
    what: `a cause for ${r.oldAddr} → ${r.newAddr} in chat`,
  });
  console.log(`cause (${withCause!.notice}): ${withCause!.labels.cause}`);
  return withCause!.labels.cause!;
}

/** GET /v1/clusters/local/events: the transitions of this failover, causes included. */
async function eventsOf(r: FailoverRun): Promise<Array<{ transition: string; labels: Record<string, string> }>> {
  const ch = clickhouse();
  const app = buildApp({ clickhouse: ch, database: config.clickhouse.database });
  try {
    const res = await app.inject({ method: 'GET', url: '/v1/clusters/local/events?rule=failover&limit=100' });
    expect(res.statusCode).toBe(200);
    return (
      res.json() as { items: Array<{ fingerprint: string; transition: string; labels: Record<string, string> }> }
    ).items.filter((e) => e.fingerprint === fingerprintOf(r));
  } finally {
    await app.close();
    await ch.close();
  }
}

beforeAll(async () => {
  chat = await startChatEndpoint();
  const base = testConfig();
  config = {
    ...base,
    collector: {
      ...base.collector,
      topology: { ...base.collector.topology, everyMs: 500 },
      slowlog: { ...base.collector.slowlog, everyMs: 1000 },
      configAudit: { ...base.collector.configAudit, everyMs: 1000 }, // cluster-node-timeout changes seen at once
    },
    alerts: failoversToChat(base.alerts, chat.url),
  };
  await waitHealthy(seeds);
  ({ stream, alerts, collector } = await startAlertPipeline(config));
  await sleep(3000); // first views, and a config audit of every node
});

afterAll(async () => {
  await setNodeTimeout(seeds, 2000).catch(() => {});
  await collector?.stop();
  await stream?.stop();
  await alerts?.stop();
  await chat?.close();
  await waitHealthy(seeds).catch(() => {});
  await dropDatabase(config);
});

async function aShard(): Promise<Shard> {
  await waitHealthy(seeds);
  await sleep(1500); // the collector's samples of the healed cluster
  return (await shards(seeds))[0]!;
}

describe('the cause of a failover', () => {
  it('DEBUG SLEEP beyond cluster-node-timeout: named (a follow-up once the slowlog can be read), and in GET /events', async () => {
    const r = await failOverByCommand(seeds, await aShard(), (c) => c.call('DEBUG', 'SLEEP', '8'));
    const cause = await causeInChat(r);
    expect(cause).toMatch(
      new RegExp(`^DEBUG SLEEP \\S+ ran 8,\\d{3} ms on ${r.oldAddr.replaceAll('.', '\\.')} \\(slowlog\\)`, 'i'),
    );
    expect(cause).toMatch(/cluster-node-timeout is 2,000 ms/);
    const firing = noticesFor(r).find((a) => a.notice === 'firing')!;
    if (!firing.labels.cause)
      expect(noticesFor(r).some((a) => a.notice === 'follow-up' || a.notice === 'resolved')).toBe(true);
    await eventually(
      () => eventsOf(r),
      (es) => es.some((e) => /^DEBUG SLEEP/i.test(e.labels.cause ?? '')),
      { timeoutMs: 30_000, what: 'the cause in GET /v1/clusters/local/events' },
    );
  });

  it('a busy Lua script: named', async () => {
    const busy = `local t0 = redis.call('TIME')
while true do
  local t = redis.call('TIME')
  if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 8000000 then break end
end
return 1`;
    const r = await failOverByCommand(seeds, await aShard(), (c) => c.eval(busy, 0));
    expect(await causeInChat(r)).toMatch(/^EVAL .* ran [89],\d{3} ms .*\(slowlog\)/);
  });

  it('DEL of a hash of a million fields or more on a master: named', { timeout: 300_000 }, async () => {
    const shard = await aShard();
    const m = new Redis({ host: shard.master.host, port: shard.master.port });
    // The hash must live on this master: a key in one of its slots.
    const slot = shard.master.slots[0]![0];
    let key = '';
    for (let i = 0; !key; i++)
      if (Number(await m.call('CLUSTER', 'KEYSLOT', `bighash:${i}`)) === slot) key = `bighash:${i}`;
    let r: FailoverRun | null = null;
    try {
      // A DEL of a million fields takes 0.3–3 s here, depending on the machine's load; too
      // short, and the replica is not elected before the master answers again. Redis can
      // also clear a master's fail flag before its replica's election: try again with a
      // bigger hash each time (1, 2, then 3 million fields).
      for (let attempt = 1; attempt <= 3 && !r; attempt++) {
        await m.del(key); // what an earlier attempt or run left (its DEL may not have reached the replica)
        for (let i = 0; i < attempt * 1000; i++) {
          const args: string[] = [];
          for (let j = 0; j < 1000; j++) args.push(`field:${i * 1000 + j}`, `value:${i * 1000 + j}`);
          await m.hset(key, ...args);
        }
        expect(await m.hlen(key)).toBe(attempt * 1_000_000);
        await setNodeTimeout(seeds, 200);
        await sleep(2500); // config audits report the new timeout
        try {
          r = await failOverByCommand(seeds, shard, (c) => c.del(key), { timeoutMs: 8000 });
        } catch {
          console.log(`attempt ${attempt}: the DEL did not fail the master over; again`);
        } finally {
          await setNodeTimeout(seeds, 2000);
        }
        if (!r) {
          await m.del(key).catch(() => {});
          await waitHealthy(seeds);
        }
      }
    } finally {
      m.disconnect();
    }
    if (r) {
      // The replica was promoted before the DEL reached it: the hash lives on in the new master.
      const [host, port] = r.newAddr.split(':');
      const promoted = new Redis({ host, port: Number(port) });
      await promoted.del(key).catch(() => {});
      promoted.disconnect();
    }
    expect(r, 'a DEL that caused a failover').not.toBeNull();
    expect(await causeInChat(r!)).toMatch(
      new RegExp(`^DEL ${key} ran [\\d,]+ ms on ${r!.oldAddr.replaceAll('.', '\\.')} \\(slowlog\\)`),
    );
  });

  it('a plain SIGSTOP: no command named, and the evidence says it stopped answering', async () => {
    const r = await failOverByFreezing(seeds, await aShard(), { holdMs: 4000 });
    await announced(r);
    await sleep(15_000); // its slowlog is read within a couple of seconds of it answering again
    const notices = noticesFor(r);
    expect(notices.every((a) => !a.labels.cause)).toBe(true);
    expect(notices.find((a) => a.notice === 'firing')!.hints.join('\n')).toMatch(
      new RegExp(`${r.oldAddr.replaceAll('.', '\\.')} stopped answering at .* before the promotion`),
    );
  });
});
