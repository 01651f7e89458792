// GET /v1/freshness — how far behind real time the newest stored data is, per table and
// cluster: now − max(ts_ms). The question "is the dashboard lying to me?" in one call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { FRESHNESS_TABLES, freshnessSql, type FreshnessRow } from '../queries/freshness.ts';
import { selectRows } from '../queries/run.ts';
import { ClusterName } from '../schemas/common.ts';
import { ErrorResponse } from '../schemas/errors.ts';

const Query = Type.Object(
  {
    cluster: Type.Optional(ClusterName),
    windowS: Type.Optional(
      Type.Integer({
        minimum: 60,
        maximum: 7 * 86400,
        default: 900,
        description:
          'how far back to look for the newest row (longer for keyspace tables); older data counts as absent',
      }),
    ),
  },
  { additionalProperties: false },
);

const Response = Type.Object({
  nowMs: Type.Integer(),
  /** The worst lag among tables fed every second (info, topology, latency probes); null when none has data. */
  maxLagMs: Type.Union([Type.Integer(), Type.Null()]),
  tables: Type.Array(
    Type.Object({
      table: Type.String(),
      cluster: Type.String(),
      newestMs: Type.Integer(),
      lagMs: Type.Integer({ description: 'now − newest sample time' }),
      expectedEveryMs: Type.Integer({ description: 'the default sampling interval of this table' }),
      windowS: Type.Integer(),
    }),
  ),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/freshness',
    {
      schema: {
        summary: 'Pipeline freshness: now − newest sample time, per table and cluster',
        tags: ['health'],
        querystring: Query,
        response: { 200: Response, 400: ErrorResponse },
      },
    },
    async (req) => {
      const nowMs = Date.now();
      const rows = await selectRows<FreshnessRow>(
        app.clickhouse,
        freshnessSql(app.database, {
          cluster: req.query.cluster,
          windowSec: req.query.windowS ?? 900,
          nowSec: Math.floor(nowMs / 1000),
        }),
      );
      const every = new Map(FRESHNESS_TABLES.map((t) => [t.table, t.expectedEveryMs]));
      const tables = rows.map((r) => ({
        table: r.table_name,
        cluster: r.cluster,
        newestMs: Number(r.newest_ms),
        lagMs: Math.max(0, nowMs - Number(r.newest_ms)),
        expectedEveryMs: every.get(r.table_name) ?? 0,
        windowS: Number(r.window_s),
      }));
      const perSecond = tables.filter((t) => t.expectedEveryMs <= 1000);
      return { nowMs, maxLagMs: perSecond.length > 0 ? Math.max(...perSecond.map((t) => t.lagMs)) : null, tables };
    },
  );
};

export default route;
