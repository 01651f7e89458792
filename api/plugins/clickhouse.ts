// Decorates the app with the ClickHouse client and database name, so routes and
// queries share one connection pool.
import fp from 'fastify-plugin';
import type { ClickHouseClient } from '@clickhouse/client';

declare module 'fastify' {
  interface FastifyInstance {
    clickhouse: ClickHouseClient;
    database: string;
  }
}

export default fp<{ clickhouse: ClickHouseClient; database: string }>(
  async (app, opts) => {
    app.decorate('clickhouse', opts.clickhouse);
    app.decorate('database', opts.database);
  },
  { name: 'clickhouse' },
);
