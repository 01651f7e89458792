// Alerts end to end on the real stack: alert events on Kafka → alert manager → outbox →
// chat delivery → a real local HTTP server playing a Slack-compatible webhook.
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAlertEvents, startAlerts, type RunningAlerts } from '../alerts/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import { identifier, sql } from '../common/sql.ts';
import { TOPICS, type AlertEventV1 } from '../contracts/index.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

/** A Slack-compatible incoming webhook: answers 200 "ok", or 503, or is not listening at all. */
class ChatEndpoint {
  mode: 'ok' | 'unavailable' = 'ok';
  /** Messages it accepted (answered 200), in order. */
  readonly accepted: string[] = [];
  /** Every request it saw, accepted or not. */
  readonly seen: string[] = [];
  port = 0;
  private server: Server | null = null;

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const text = (JSON.parse(body) as { text: string }).text;
        this.seen.push(text);
        if (this.mode === 'unavailable') return void res.writeHead(503).end('maintenance');
        this.accepted.push(text);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  acceptedWith(fragment: string): string[] {
    return this.accepted.filter((t) => t.includes(fragment));
  }
}

const chat = new ChatEndpoint();
const cluster = uniqueName('alerts');
const receiver = uniqueName('chat');
let config: Config;
let alerts: RunningAlerts;
let producer: Producer;

function alertEvent(fingerprint: string, rule: string, status: 'firing' | 'resolved', summary: string): AlertEventV1 {
  return {
    v: 1,
    kind: 'alert',
    ts: Date.now(),
    fingerprint,
    rule,
    status,
    severity: 'critical',
    cluster,
    instance: '127.0.0.1:7000',
    labels: {},
    summary,
    details: 'replica 127.0.0.1:7003 promoted',
    hints: ['SLOWLOG: KEYS * took 2.1 s just before'],
  };
}

beforeAll(async () => {
  await chat.listen();
  const base = testConfig();
  config = {
    ...base,
    alerts: {
      ...base.alerts,
      grafanaUrl: 'https://grafana.example',
      apiUrl: 'https://redscope-api.example',
      groupWaitMs: 100,
      groupIntervalMs: 300,
      retryInitialMs: 200,
      retryMaxMs: 1000,
      requestTimeoutMs: 2000,
      managerGroupId: `${base.stream.groupId}-alerts`,
      deliveryGroupId: `${base.stream.groupId}-delivery`,
      // Other test runs share the topics: only this file's cluster is routed to this endpoint.
      routes: [{ match: { cluster }, receiver }],
      receivers: [{ name: receiver, type: 'slack', url: `http://127.0.0.1:${chat.port}/services/T000/B000/tokenXYZ` }],
    },
  };
  alerts = await startAlerts(config, quietLog);
  producer = createKafka(config.kafka, quietLog).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await alerts?.stop();
  await chat.close();
  await dropDatabase(config);
});

async function historyOf(fingerprint: string): Promise<string[]> {
  const ch = createClickHouse(config.clickhouse);
  try {
    const table = identifier(`${config.clickhouse.database}.alerts`);
    const rs = await ch.query({
      query: sql`SELECT transition FROM ${table} FINAL WHERE fingerprint = ${fingerprint} ORDER BY ts_ms, transition`
        .text,
      format: 'JSONEachRow',
    });
    return (await rs.json<{ transition: string }>()).map((r) => r.transition);
  } finally {
    await ch.close();
  }
}

describe('alerts to chat', () => {
  it('a firing alert arrives once with summary and links; a repeat is deduplicated; resolved arrives once', async () => {
    const fp = uniqueName('failover');
    const summary = `Master 127.0.0.1:7000 failed over (${fp})`;
    // Latency is measured by `npm run bench -- failover`, not asserted here.
    await publishAlertEvents(producer, [alertEvent(fp, 'failover', 'firing', summary)]);
    await eventually(
      async () => chat.acceptedWith(fp).length,
      (n) => n >= 1,
      { what: 'the firing message', intervalMs: 20 },
    );

    const [firing] = chat.acceptedWith(fp);
    expect(firing!.split('\n')[0]).toBe(`🔴 FIRING · failover · ${cluster}`);
    expect(firing).toContain(summary);
    expect(firing).toContain('Instance: 127.0.0.1:7000');
    expect(firing).toContain('• SLOWLOG: KEYS * took 2.1 s just before');
    expect(firing).toMatch(/<https:\/\/grafana\.example\/d\/redscope-cluster-health\?var-cluster=[^|]+\|Dashboard>/);
    expect(firing).toContain(`<https://redscope-api.example/v1/alerts/${fp}|API>`);

    await publishAlertEvents(producer, [alertEvent(fp, 'failover', 'firing', summary)]);
    await sleep(1500);
    expect(chat.acceptedWith(fp)).toHaveLength(1);

    await publishAlertEvents(producer, [alertEvent(fp, 'failover', 'resolved', summary)]);
    await eventually(
      async () => chat.acceptedWith(fp).length,
      (n) => n >= 2,
      { what: 'the resolved message' },
    );
    await sleep(800);
    const messages = chat.acceptedWith(fp);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatch(/^✅ RESOLVED · failover · /);
    expect(await historyOf(fp)).toEqual(['fired', 'notified', 'resolved', 'notified']);
  });

  it('a malformed alert event is dead-lettered and counted; the next valid one still goes out', async () => {
    const invalidBefore = alerts.manager.stats.invalid;
    await producer.send({
      topic: TOPICS.alerts,
      acks: -1,
      messages: [{ key: 'broken', value: JSON.stringify({ v: 1, kind: 'alert', fingerprint: 'broken' }) }],
    });
    await eventually(
      async () => alerts.manager.stats.invalid,
      (n) => n > invalidBefore,
      { what: 'the invalid event counted' },
    );
    const fp = uniqueName('after-invalid');
    await publishAlertEvents(producer, [alertEvent(fp, 'after-invalid', 'firing', `Still working (${fp})`)]);
    await eventually(
      async () => chat.acceptedWith(fp).length,
      (n) => n === 1,
      { what: 'the next valid alert' },
    );
  });

  it('a chat endpoint answering 503 gets retries and the message exactly once after the outage', async () => {
    const fp = uniqueName('outage');
    chat.mode = 'unavailable';
    try {
      await publishAlertEvents(producer, [alertEvent(fp, 'outage', 'firing', `Cluster degraded (${fp})`)]);
      await eventually(
        async () => chat.seen.filter((t) => t.includes(fp)).length,
        (n) => n >= 2,
        { what: 'two refused attempts' },
      );
      expect(chat.acceptedWith(fp)).toHaveLength(0);
    } finally {
      chat.mode = 'ok';
    }
    await eventually(
      async () => chat.acceptedWith(fp).length,
      (n) => n >= 1,
      { what: 'delivery after the outage' },
    );
    await sleep(1500);
    expect(chat.acceptedWith(fp)).toHaveLength(1);
  });

  it('a message pending while the endpoint is down survives a restart of the alerts process and is delivered once', async () => {
    const fp = uniqueName('restart');
    await chat.close(); // not listening: connection refused
    const queuedBefore = alerts.manager.stats.notifications;
    await publishAlertEvents(producer, [alertEvent(fp, 'restart', 'firing', `Node restarted (${fp})`)]);
    // The manager has put the message in the outbox and delivery is retrying it.
    await eventually(
      async () => alerts.manager.stats.notifications,
      (n) => n > queuedBefore,
      { what: 'the message in the outbox' },
    );
    await sleep(1000);

    await alerts.stop();
    alerts = await startAlerts(config, quietLog);
    await chat.listen(); // same port, now answering
    await eventually(
      async () => chat.acceptedWith(fp).length,
      (n) => n >= 1,
      { what: 'delivery after the restart', timeoutMs: 40_000 },
    );
    await sleep(2000);
    expect(chat.acceptedWith(fp)).toHaveLength(1);
    // The restarted manager knew from ClickHouse that it had already queued this alert.
    expect(alerts.manager.stats.notifications).toBe(0);
  });
});
