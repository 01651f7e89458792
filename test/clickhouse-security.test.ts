// ClickHouse roles and HTTPS on the real 18.16 server of the local stack: the reader
// cannot write, drop or create anything, the writer inserts but runs no DDL, the migrator
// migrates; every redscope process connects as its role; HTTPS verifies the server's
// certificate and refuses a wrong CA with a message that says what to fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../api/server.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { requireCurrentSchema, SchemaNotReadyError } from '../clickhouse/schema-check.ts';
import {
  clickhouseCredentials,
  clickhouseErrorCode,
  createClickHouse,
  type ClickHouseClient,
} from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { ClickHouseRole } from '../common/config-security.ts';
import { errorMessage } from '../common/errors.ts';
import { identifier } from '../common/sql.ts';
import { withTlsHint } from '../common/tls.ts';
import { stackSecurity } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { dropDatabase, endpoints, quietLog, testConfig } from './support/pipeline.ts';

const base = testConfig();
const db = base.clickhouse.database;
const table = identifier(`${db}.security_probe`).text;
const other = (name: string) => identifier(`${db}.${name}`).text;
let config: Config; // base + the stack's role users, over HTTPS
const clients: ClickHouseClient[] = [];

function client(role: ClickHouseRole, over: Partial<Config['clickhouse']> = {}): ClickHouseClient {
  const c = createClickHouse({ ...config.clickhouse, ...over }, { role, requestTimeoutMs: 10_000 });
  clients.push(c);
  return c;
}

const wrongPassword = (u: { username: string }) => ({ username: u.username, password: 'wrong-password' });

/** The ClickHouse error code of a rejected promise ('' when it resolved). */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return '';
  } catch (err) {
    return clickhouseErrorCode(err) ?? errorMessage(err);
  }
}

beforeAll(async () => {
  const { tls, credentials } = await stackSecurity();
  config = {
    ...base,
    clickhouse: {
      ...base.clickhouse,
      url: endpoints.clickhouseHttpsUrl,
      // Deliberately wrong: any process that connected with these instead of its role's user would fail.
      username: 'default',
      password: 'not-the-password',
      users: credentials.clickhouse,
      tls: { caFile: tls.caFile },
    },
  };
  await migrate(client('migrator'), db);
  await client('migrator').command({
    query: `CREATE TABLE ${table} (d Date, x UInt32) ENGINE = MergeTree PARTITION BY toYYYYMMDD(d) ORDER BY x`,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await dropDatabase(base);
});

describe('ClickHouse users per role (users.xml on 18.16)', () => {
  it('the reader reads, but cannot insert, drop, create, or lift its read-only mode in a request', async () => {
    const reader = client('reader');
    const rs = await reader.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ n: '0' }]);
    expect(await codeOf(reader.insert({ table, values: [{ d: '2020-01-01', x: 1 }], format: 'JSONEachRow' }))).toBe(
      '164', // READONLY
    );
    expect(await codeOf(reader.command({ query: `DROP TABLE ${table}` }))).toBe('164');
    expect(await codeOf(reader.command({ query: `CREATE TABLE ${other('probe_2')} (x UInt8) ENGINE = Memory` }))).toBe(
      '164',
    );
    expect(await codeOf(reader.command({ query: `ALTER TABLE ${table} DROP PARTITION 20200101` }))).toBe('164');
    // readonly cannot be lowered with the request, neither as a URL setting nor as SETTINGS.
    expect(
      await codeOf(
        reader.insert({
          table,
          values: [{ d: '2020-01-01', x: 1 }],
          format: 'JSONEachRow',
          clickhouse_settings: { readonly: '0' },
        }),
      ),
    ).toBe('164');
  });

  it('the writer inserts and reads, but runs no DDL: CREATE, ALTER … DROP PARTITION, DROP, nor SET allow_ddl', async () => {
    const writer = client('writer');
    await writer.insert({ table, values: [{ d: '2020-01-01', x: 1 }], format: 'JSONEachRow' });
    const rs = await writer.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ n: '1' }]);
    const ddl = [
      `CREATE TABLE ${other('probe_w')} (x UInt8) ENGINE = Memory`,
      `ALTER TABLE ${table} DROP PARTITION 20200101`,
      `DROP TABLE ${table}`,
      `CREATE DATABASE ${identifier(`${db}_w`).text}`,
      `CREATE TABLE ${other('probe_w')} (x UInt8) ENGINE = Memory SETTINGS allow_ddl = 1`,
    ];
    for (const query of ddl) expect(await codeOf(writer.command({ query })), query).toBe('392'); // QUERY_IS_PROHIBITED
    expect(await codeOf(writer.command({ query: 'SET allow_ddl = 1' }))).toBe('392');
  });

  it('18.16 cannot lock allow_ddl: a writer that sends allow_ddl=1 with the request runs DDL (the documented limit; current ClickHouse refuses)', async () => {
    const writer = client('writer');
    const version = String(
      (
        (await (await writer.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json()) as [
          { v: string },
        ]
      )[0].v,
    );
    const bypass = writer.command({
      query: `CREATE TABLE ${other('probe_bypass')} (x UInt8) ENGINE = Memory`,
      clickhouse_settings: { allow_ddl: 1 },
    });
    // If this fails on 18.x, the server got stricter: update clickhouse/users.ts and docs/security.md.
    if (Number(version.split('.')[0]) < 19) expect(await codeOf(bypass)).toBe('');
    else expect(await codeOf(bypass)).not.toBe('');
  });

  it('the migrator runs DDL', async () => {
    const migrator = client('migrator');
    await migrator.command({ query: `CREATE TABLE IF NOT EXISTS ${other('probe_m')} (x UInt8) ENGINE = Memory` });
    await migrator.command({ query: `DROP TABLE ${other('probe_m')}` });
    await migrator.command({ query: `ALTER TABLE ${table} DROP PARTITION 20200101` });
  });
});

describe('each process connects as its role', () => {
  it('the API reads as the reader: it answers although the shared credentials are wrong', async () => {
    // Only the reader's password is right: the API must be connecting as the reader.
    const users = config.clickhouse.users!;
    const onlyReader: Config = {
      ...config,
      api: { ...config.api, port: 0 },
      clickhouse: {
        ...config.clickhouse,
        users: {
          reader: users.reader!,
          writer: wrongPassword(users.writer!),
          migrator: wrongPassword(users.migrator!),
        },
      },
    };
    const api = await startApi(onlyReader, quietLog);
    try {
      const res = await fetch(`${api.url}/v1/clusters`);
      expect(res.status, await res.clone().text()).toBe(200);
    } finally {
      await api.stop();
    }
    expect(clickhouseCredentials(config.clickhouse, 'reader').username).toBe('redscope_reader');
  });

  it('the API stores a silence as the writer, its only write; with a wrong writer password the silence is refused, reads still work', async () => {
    const users = config.clickhouse.users!;
    const admin = 'admin-token-roles-0123456789';
    const withWriter = (writer: { username: string; password: string }): Config => ({
      ...config,
      api: { ...config.api, port: 0, tokens: [{ name: 'ops', token: admin, scope: 'admin' }] },
      clickhouse: {
        ...config.clickhouse,
        users: { reader: users.reader!, writer, migrator: wrongPassword(users.migrator!) },
      },
    });
    const silence = {
      matchers: [{ name: 'cluster', op: '=', value: 'roles' }],
      durationMs: 60_000,
      comment: 'role test',
    };
    const post = (url: string) =>
      fetch(`${url}/v1/silences`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(silence),
      });
    for (const [writer, created] of [
      [users.writer!, 201],
      [wrongPassword(users.writer!), 500],
    ] as const) {
      const api = await startApi(withWriter(writer), quietLog);
      try {
        const res = await post(api.url);
        expect(res.status, await res.clone().text()).toBe(created);
        const listed = await fetch(`${api.url}/v1/silences`, { headers: { authorization: `Bearer ${admin}` } });
        expect(listed.status).toBe(200);
        expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(1);
      } finally {
        await api.stop();
      }
    }
  });

  it('the stream processor migrates as the migrator and writes as the writer; without migrateOnStart it only checks the schema', async () => {
    const running = await startStream(config, quietLog);
    await running.stop();
    // The writer alone (the others' passwords wrong): it checks the schema and loads detector state.
    const users = config.clickhouse.users!;
    const noDdl: Config = {
      ...config,
      clickhouse: {
        ...config.clickhouse,
        migrateOnStart: false,
        users: {
          writer: users.writer!,
          migrator: wrongPassword(users.migrator!),
          reader: wrongPassword(users.reader!),
        },
      },
    };
    const again = await startStream(noDdl, quietLog);
    await again.stop();
    // A database nobody migrated: the writer-only processor says what to do instead of failing on a missing table.
    const empty = client('writer');
    const err = await requireCurrentSchema(empty, `${db}_missing`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaNotReadyError);
    expect(errorMessage(err)).toMatch(/lacks migrations 1, 2, .*run `redscope migrate`/);
  });
});

describe('ClickHouse over HTTPS', () => {
  it('verifies the server against the configured CA and refuses another CA, saying what to fix', async () => {
    expect((await client('reader').ping()).success).toBe(true);
    const { tls } = await stackSecurity();
    const wrong = client('reader', { tls: { caFile: tls.otherCaFile } });
    const err = await wrong.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(withTlsHint(errorMessage(err), err)).toMatch(/not signed by a trusted CA: set tls.caFile/);
  });

  it('a wrong password is refused', async () => {
    const c = client('reader', { users: { reader: { username: 'redscope_reader', password: 'wrong-password' } } });
    expect(await codeOf(c.query({ query: 'SELECT 1' }))).toMatch(/^(193|516)$/); // WRONG_PASSWORD / AUTHENTICATION_FAILED
  });
});
