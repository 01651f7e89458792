// A real failover on the local cluster reaches chat: a master frozen with SIGSTOP is
// failed over by the cluster, the collector's topology samples show the promotion, the
// failover detector fires, the alert manager routes it and delivery posts it to a real
// HTTP endpoint. Exactly one firing message naming the old and new master, then —
// after SIGCONT, when the old master is back as a replica — exactly one resolved one.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlerts } from '../alerts/index.ts';
import type { RunningCollector } from '../collectors/index.ts';
import type { Config } from '../common/config.ts';
import type { RunningStream } from '../stream/index.ts';
import { failoversToChat, startAlertPipeline } from './support/alert-pipeline.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { clusterNodes, clusterWhole, pidOf } from './support/freeze.ts';
import { dropDatabase, endpoints, eventually, testConfig } from './support/pipeline.ts';

let chat: ChatEndpoint;
let config: Config;
let stream: RunningStream, alerts: RunningAlerts, collector: RunningCollector;

beforeAll(async () => {
  chat = await startChatEndpoint();
  const base = testConfig();
  config = {
    ...base,
    collector: { ...base.collector, topology: { ...base.collector.topology, everyMs: 500 } },
    alerts: { ...failoversToChat(base.alerts, chat.url), groupWaitMs: 0 },
  };
  await eventually(
    () => clusterWhole(endpoints.redisSeeds),
    (ok) => ok,
    { timeoutMs: 30_000, what: 'a whole cluster before the test' },
  );
  ({ stream, alerts, collector } = await startAlertPipeline(config));
});

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  await alerts?.stop();
  await chat?.close();
  await dropDatabase(config);
});

const text = (b: unknown) => JSON.stringify(b);
/** The generic webhook's payload says `status: firing | resolved`. */
const status = (b: unknown) => (b as { status?: string }).status;

describe('failover → chat', () => {
  it('a frozen master produces one firing message naming old and new master, then one resolved', async () => {
    const nodes = await clusterNodes(endpoints.redisSeeds[0]!);
    const master = nodes.find((n) => n.role === 'master' && n.slots.length > 0)!;
    const replica = nodes.find((n) => n.masterId === master.id)!;
    const oldAddr = `${master.host}:${master.port}`;
    const newAddr = `${replica.host}:${replica.port}`;
    await sleep(3000); // the collector's first topology views
    const pid = await pidOf(oldAddr);

    process.kill(pid, 'SIGSTOP');
    let firing: unknown;
    try {
      firing = await eventually(async () => chat.received.find((m) => status(m.body) === 'firing'), Boolean, {
        timeoutMs: 30_000,
        what: 'a firing failover message in chat',
      });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const firingText = text((firing as { body: unknown }).body);
    expect(firingText).toContain(oldAddr);
    expect(firingText).toContain(newAddr);

    await eventually(
      async () => chat.received.filter((m) => status(m.body) === 'resolved').length,
      (n) => n >= 1,
      { timeoutMs: 60_000, what: 'a resolved failover message in chat' },
    );
    await sleep(3000); // anything sent twice would arrive by now
    const statuses = chat.received.map((m) => status(m.body));
    expect(statuses).toEqual(['firing', 'resolved']);
    await eventually(
      () => clusterWhole(endpoints.redisSeeds),
      (ok) => ok,
      { timeoutMs: 30_000, what: 'the cluster whole again' },
    );
  });
});
