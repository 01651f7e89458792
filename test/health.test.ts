// The processor and the alert manager answer GET /health with their consumer lag per
// partition, when they last stored rows, and their last error.
import { afterAll, describe, expect, it } from 'vitest';
import { startAlerts, type RunningAlerts } from '../alerts/index.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { produceRaw, startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const base = testConfig();
const config = {
  ...base,
  stream: { ...base.stream, health: { host: '127.0.0.1', port: 0 } },
  alerts: {
    ...base.alerts,
    managerGroupId: uniqueName('alerts'),
    deliveryGroupId: uniqueName('delivery'),
    health: { host: '127.0.0.1', port: 0 },
  },
};
let stream: RunningStream | undefined;
let alerts: RunningAlerts | undefined;
afterAll(async () => {
  await stream?.stop();
  await alerts?.stop();
  await dropDatabase(config);
});

type Health = {
  status: string;
  lastInsertAt: number | null;
  lastError: { at: number; message: string } | null;
  partitions: Array<{ topic: string; partition: number; committed: number; end: number; lag: number; owned: boolean }>;
};

async function health(url: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${url}/health`);
  return { code: res.status, body: (await res.json()) as Health };
}

describe('health endpoints', () => {
  it('the processor reports lag per partition, its last insert and its last error', async () => {
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    stream = await startStream(config, quietLog);
    const cluster = uniqueName('health');
    const bad = syntheticInfo(cluster, 1, 1);
    bad.commands[0]!.calls = 0.5; // refused by ClickHouse: shows up as the last error
    await produceRaw(config, TOPICS.info, [
      { key: 'a', value: JSON.stringify(syntheticInfo(cluster, 0, 1)) },
      { key: 'a', value: JSON.stringify(bad) },
    ]);
    const { code, body } = await eventually(
      () => health(stream!.health!.url),
      (h) => h.body.lastInsertAt !== null && h.body.partitions.every((p) => p.lag === 0),
      { what: 'the processor stored and committed everything' },
    );
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.lastError?.message).toMatch(/Cannot read array from text/);
    const info = body.partitions.filter((p) => p.topic === TOPICS.info);
    expect(info).toHaveLength(config.kafka.topicPartitions);
    expect(info.every((p) => p.owned && p.end >= p.committed)).toBe(true);
    expect(info.some((p) => p.committed > 0)).toBe(true);
  });

  it('the alert manager reports the lag of alert events and of the outbox', async () => {
    await startGroupsAtEnd(config, [config.alerts.managerGroupId], [TOPICS.alerts]);
    await startGroupsAtEnd(config, [config.alerts.deliveryGroupId], [TOPICS.notifications]);
    alerts = await startAlerts(config, quietLog);
    const { code, body } = await health(alerts.health!.url);
    expect(code).toBe(200);
    const parts = body.partitions as unknown as {
      alertEvents: Array<{ topic: string; lag: number }>;
      outbox: Array<{ topic: string; lag: number }>;
    };
    expect(parts.alertEvents.map((p) => p.topic)).toContain(TOPICS.alerts);
    expect(parts.outbox.map((p) => p.topic)).toContain(TOPICS.notifications);
    expect(body).toHaveProperty('lastInsertAt');
    expect(body).toHaveProperty('lastError');
  });
});
