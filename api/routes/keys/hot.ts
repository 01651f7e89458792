// GET /v1/clusters/:cluster/keys/hot — the hottest keys of each instance's latest observation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { hotKeysSql, SCAN_WINDOW_S, type HotKeyRow } from '../../queries/keys.ts';
import { selectRows } from '../../queries/run.ts';
import { ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { KeysScopeQuery } from './scope.ts';

const Metric = Type.Union(
  [
    Type.Literal('lfu-counter'),
    Type.Literal('cpu-us'),
    Type.Literal('net-bytes'),
    Type.Literal('commands'),
    Type.Literal('slot'),
  ],
  {
    description:
      'what the score counts; scores of different metrics are not comparable. `slot`: hot slots instead of keys',
  },
);

const Query = Type.Object(
  { ...KeysScopeQuery, metric: Type.Optional(Metric), ...PageQuery },
  { additionalProperties: false },
);

const HotKey = Type.Object({
  instance: Type.String(),
  observedOn: Type.String(),
  observedAtMs: Type.Integer(),
  method: Type.String({ description: 'object-freq, hotkeys, monitor or slot-stats' }),
  metric: Type.String(),
  key: Type.String(),
  pattern: Type.String(),
  score: Type.Number(),
  slot: Type.Union([Type.Integer(), Type.Null()]),
  windowMs: Type.Integer(),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/keys/hot',
    {
      schema: {
        summary: 'Hot keys (latest observation of each instance, by metric then score)',
        tags: ['keys'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: Page(HotKey), 400: ErrorResponse },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const scope = cursorScope('keys-hot', {
        cluster: req.params.cluster,
        instance: req.query.instance,
        metric: req.query.metric,
      });
      const after = openCursor(req.query.cursor, scope, ['string', 'number', 'string', 'string', 'number'])?.key;
      const s = {
        database: app.database,
        cluster: req.params.cluster,
        instance: req.query.instance,
        sinceSec: Math.floor(Date.now() / 1000) - SCAN_WINDOW_S,
      };
      const rows = await selectRows<HotKeyRow>(app.clickhouse, hotKeysSql(s, req.query.metric, { after, limit }));
      const page = pageOf(rows, limit, scope, (r) => [r.metric, Number(r.score), r.instance, r.key, Number(r.slot)]);
      return {
        items: page.rows.map((r) => ({
          instance: r.instance,
          observedOn: r.observed_on,
          observedAtMs: Number(r.ts_ms),
          method: r.method,
          metric: r.metric,
          key: r.key,
          pattern: r.pattern,
          score: Number(r.score),
          slot: Number(r.slot) >= 0 ? Number(r.slot) : null,
          windowMs: Number(r.window_ms),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
};

export default route;
