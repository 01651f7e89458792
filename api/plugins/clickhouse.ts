// Decorates the app with the ClickHouse client and database name, so routes and
// queries share one connection pool.
import fp from 'fastify-plugin';
import type { ClickHouseClient } from '@clickhouse/client';

declare module 'fastify' {
  interface FastifyInstance {
    clickhouse: ClickHouseClient;
    /** The one write the API makes: silences (admin token). The writer role's client; else `clickhouse`. */
    clickhouseWriter: ClickHouseClient;
    database: string;
  }
}

export default fp<{ clickhouse: ClickHouseClient; clickhouseWriter?: ClickHouseClient; database: string }>(
  async (app, opts) => {
    app.decorate('clickhouse', opts.clickhouse);
    app.decorate('clickhouseWriter', opts.clickhouseWriter ?? opts.clickhouse);
    app.decorate('database', opts.database);
  },
  { name: 'clickhouse' },
);
