// A real failover on the local cluster reaches chat: a master frozen with SIGSTOP is
// failed over by the cluster, the collector's topology samples show the promotion, the
// failover detector fires, the alert manager routes it and delivery posts it to a real
// HTTP endpoint. Exactly one firing message naming the old and new master, then —
// after SIGCONT, when the old master is back as a replica — exactly one resolved one.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlerts, type RunningAlerts } from '../alerts/index.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import type { Config } from '../common/config.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { clusterNodes, clusterWhole, pidOf } from './support/freeze.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

let chat: ChatEndpoint;
let config: Config;
let stream: RunningStream, alerts: RunningAlerts, collector: RunningCollector;

beforeAll(async () => {
  chat = await startChatEndpoint();
  const base = testConfig();
  config = {
    ...base,
    collector: { ...base.collector, topology: { ...base.collector.topology, everyMs: 500 } },
    alerts: {
      ...base.alerts,
      groupWaitMs: 0,
      managerGroupId: uniqueName('alerts'),
      deliveryGroupId: uniqueName('delivery'),
      routes: [{ match: { rule: 'failover' }, receiver: 'chat' }],
      receivers: [{ name: 'chat', type: 'webhook', url: chat.url }],
    },
  };
  await eventually(
    () => clusterWhole(endpoints.redisSeeds),
    (ok) => ok,
    { timeoutMs: 30_000, what: 'a whole cluster before the test' },
  );
  await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
  await startGroupsAtEnd(config, [config.alerts.managerGroupId], [TOPICS.alerts]);
  await startGroupsAtEnd(config, [config.alerts.deliveryGroupId], [TOPICS.notifications]);
  stream = await startStream(config, quietLog);
  alerts = await startAlerts(config, quietLog);
  collector = await startCollector(config, quietLog);
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
