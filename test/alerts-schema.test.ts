// The alerts tables (migrations 0008 and 0020) and the store's queries work on the local
// ClickHouse 18.16 and on current ClickHouse (chDB), and state survives as the latest version.
import { afterAll, describe, expect, it } from 'vitest';
import { applyEvent, markNotified } from '../alerts/lifecycle.ts';
import { AlertStore, historyRow, loadStatesSql, settledIdsSql, stateRow, type OwnedState } from '../alerts/store.ts';
import { deliveryRecord } from '../alerts/deliver-one.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import type { AlertEventV1, NotificationV1, SilenceV1 } from '../contracts/index.ts';
import { openSilencesSql, silenceRow, silencesSql } from '../clickhouse/silences.ts';
import { expandMigrations, singleServer } from '../clickhouse/migrate.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const migration = (database: string) =>
  expandMigrations(singleServer(database))
    .filter((m) => m.version === 8 || m.version === 20)
    .flatMap((m) => m.statements);

const silence: SilenceV1 = {
  id: 'silence-1',
  matchers: [
    { name: 'cluster', op: '=', value: "o'rders" },
    { name: 'rule', op: '=~', value: 'failover|node-flapping' },
  ],
  startsAtMs: 1_700_000_000_000,
  endsAtMs: 1_700_007_200_000,
  createdBy: 'ops',
  comment: 'upgrade',
  createdAtMs: 1_700_000_000_000,
  updatedAtMs: 1_700_000_000_000,
};

const event: AlertEventV1 = {
  v: 1,
  kind: 'alert',
  ts: 1_700_000_000_000,
  fingerprint: "fp'1",
  rule: 'failover',
  status: 'firing',
  severity: 'critical',
  cluster: 'prod',
  instance: '10.0.0.1:7000',
  labels: { role: 'master' },
  summary: 'failed over',
  details: 'x\ny',
  hints: ['slowlog'],
};

function states(): OwnedState[] {
  const fired = { ...applyEvent(undefined, event, 1_700_000_000_100).state, partition: 3 };
  const notified = { ...markNotified(fired, 'firing', 1_700_000_000_400), partition: 3 };
  return [fired, notified];
}

const notification: NotificationV1 = {
  v: 1,
  kind: 'notification',
  id: 'n-1',
  ts: 1,
  receiver: 'ops',
  receiverType: 'slack',
  cluster: 'prod',
  rule: 'failover',
  fingerprints: ["fp'1"],
  payload: {},
};

describe('alerts tables', () => {
  it('on ClickHouse 18.16: the latest state version is what a restart loads; delivered ids are found', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      await ch.command({ query: `CREATE DATABASE IF NOT EXISTS ${identifier(db).text}` });
      for (const statement of migration(db)) await ch.command({ query: statement });
      const store = new AlertStore(ch, db);
      const [fired, notified] = states();
      // Two inserts, as the manager does them: the newer version must win without a merge.
      await store.write({
        history: [historyRow(fired!, 'fired', event.ts)],
        states: [stateRow(fired!, 1_700_000_000_100)],
      });
      await store.write({
        history: [historyRow(notified!, 'notified', 1_700_000_000_400, { receiver: 'ops', notificationId: 'n-1' })],
        states: [stateRow(notified!, 1_700_000_000_400)],
      });
      const loaded = await store.loadStates([3]);
      expect(loaded).toEqual({ states: [notified], unreadable: 0 });
      expect((await store.loadStates([4])).states).toEqual([]);

      await store.write({
        history: [],
        states: [],
        deliveries: [
          deliveryRecord(
            notification,
            { url: 'https://chat.hooks.example/T0SECRET/B/SECRET' },
            { outcome: 'ok', attempts: 1, httpStatus: 200, reason: '' },
            1_700_000_000_500,
          ),
        ],
      });
      expect(await store.settledIds(['n-1', 'n-2'])).toEqual(new Set(['n-1']));
      const rs = await ch.query({
        query: `SELECT endpoint FROM ${identifier(db).text}.alert_deliveries`,
        format: 'JSONEachRow',
      });
      // Stored redacted: no path segment (a token may be the first: https://host/<token>), no subdomain.
      expect(await rs.json()).toEqual([{ endpoint: 'https://….hooks.example/…' }]);

      // A silence, then its expiry (a newer version): only the open one is in force.
      await ch.insert({
        table: `${identifier(db).text}.silences`,
        values: [silenceRow(silence)],
        format: 'JSONEachRow',
      });
      expect(await store.openSilences(1_700_000_100_000)).toEqual([silence]);
      const expired = { ...silence, endsAtMs: 1_700_000_200_000, updatedAtMs: 1_700_000_200_000 };
      await ch.insert({
        table: `${identifier(db).text}.silences`,
        values: [silenceRow(expired)],
        format: 'JSONEachRow',
      });
      expect(await store.openSilences(1_700_000_300_000)).toEqual([]);
      expect(await store.openSilences(1_700_000_100_000)).toEqual([expired]);
    } finally {
      await ch.close();
    }
  });

  it('on current ClickHouse (chDB): the same DDL, inserts and queries run', async () => {
    const [fired, notified] = states();
    const insert = (table: string, row: object) =>
      `INSERT INTO redscope_alerts.${table} FORMAT JSONEachRow ${JSON.stringify(row)}`;
    const run = await runOnCurrentClickHouse([
      'CREATE DATABASE IF NOT EXISTS redscope_alerts',
      ...migration('redscope_alerts'),
      insert('alerts', historyRow(fired!, 'fired', event.ts)),
      insert('alert_state', stateRow(fired!, 1)),
      insert('alert_state', stateRow(notified!, 2)),
      insert(
        'alert_deliveries',
        deliveryRecord(notification, null, { outcome: 'failed', attempts: 3, httpStatus: 404, reason: 'gone' }, 3000),
      ),
      insert('silences', silenceRow(silence)),
      `SELECT count() FROM (${openSilencesSql('redscope_alerts', 1_700_000_100_000).text})`,
      `SELECT count() FROM (${silencesSql('redscope_alerts', 0, 10).text})`,
      `SELECT version, notified_status FROM (${loadStatesSql('redscope_alerts', [3])})`,
      settledIdsSql('redscope_alerts', ['n-1', 'n-9']),
    ]);
    for (const r of run.results) expect(r.ok, `${r.sql.slice(0, 80)}: ${r.error}`).toBe(true);
    expect(run.results.at(-4)?.output).toBe('1\n');
    expect(run.results.at(-2)?.output).toBe(`${notified!.version}\tfiring\n`);
    expect(run.results.at(-1)?.output).toBe('n-1\n');
  });
});
