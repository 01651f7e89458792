// GET /v1/clusters/:cluster/keys/patterns — key patterns: bytes, keys, keys without TTL and
// the TTL histogram, summed over the latest scan of every instance;
// GET /v1/clusters/:cluster/keys/patterns/growth — the patterns that grew most in a range.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  keyPatternsSql,
  patternGrowthSql,
  SCAN_WINDOW_S,
  type GrowthRow,
  type PatternRow,
} from '../../queries/keys.ts';
import { selectRows } from '../../queries/run.ts';
import { ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { resolveTimeRange } from '../../schemas/time-range.ts';
import { KeysScopeQuery } from './scope.ts';

const Order = Type.Optional(
  Type.Union([Type.Literal('bytes'), Type.Literal('keys'), Type.Literal('no_ttl')], { default: 'bytes' }),
);
const Query = Type.Object({ ...KeysScopeQuery, order: Order, ...PageQuery }, { additionalProperties: false });
const GrowthQuery = Type.Object(
  {
    ...KeysScopeQuery,
    from: Type.Optional(
      Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: `to` minus 7 days' }),
    ),
    to: Type.Optional(Type.String({ maxLength: 40 })),
    order: Order,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  },
  { additionalProperties: false },
);

const Count = Type.Integer();
const Pattern = Type.Object({
  pattern: Type.String({
    description:
      'key pattern mined by each scan: varying positions (ids of any style) are `*`, words stay (`cart:*:items`); `(other)` holds what exceeded the per-scan bound',
  }),
  type: Type.String(),
  keys: Count,
  bytes: Count,
  noTtl: Type.Integer({ description: 'keys without a TTL' }),
  ttlHistogram: Type.Object(
    { none: Count, lt1m: Count, lt1h: Count, lt1d: Count, lt7d: Count, ge7d: Count },
    { description: 'keys by remaining TTL' },
  ),
  biggestKeyBytes: Count,
  exampleKey: Type.String(),
  instances: Count,
  scannedAtMs: Type.Integer({ description: 'newest scan included' }),
});

const Growth = Type.Object({
  pattern: Type.String(),
  bytesBefore: Count,
  bytesNow: Count,
  keysBefore: Count,
  keysNow: Count,
  noTtlBefore: Count,
  noTtlNow: Count,
  growth: Type.Integer({ description: 'of the ordered measure' }),
  growthPerDay: Type.Union([Type.Number(), Type.Null()]),
  firstScanMs: Type.Integer(),
  lastScanMs: Type.Integer(),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/keys/patterns',
    {
      schema: {
        summary: 'Key patterns with bytes, keys, no-TTL counts and TTL histogram',
        tags: ['keys'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: Page(Pattern), 400: ErrorResponse },
      },
    },
    async (req) => {
      const order = req.query.order ?? 'bytes';
      const limit = req.query.limit ?? 100;
      const scope = cursorScope('keys-patterns', { cluster: req.params.cluster, instance: req.query.instance, order });
      const after = openCursor(req.query.cursor, scope, ['number', 'string'])?.key;
      const s = {
        database: app.database,
        cluster: req.params.cluster,
        instance: req.query.instance,
        sinceSec: Math.floor(Date.now() / 1000) - SCAN_WINDOW_S,
      };
      const rows = await selectRows<PatternRow>(app.clickhouse, keyPatternsSql(s, order, { after, limit }));
      const orderValue = (r: PatternRow) =>
        Number(order === 'bytes' ? r.bytes_total : order === 'keys' ? r.keys_total : r.no_ttl_total);
      const page = pageOf(rows, limit, scope, (r) => [orderValue(r), r.pattern]);
      return {
        items: page.rows.map((r) => ({
          pattern: r.pattern,
          type: r.pattern_type,
          keys: Number(r.keys_total),
          bytes: Number(r.bytes_total),
          noTtl: Number(r.no_ttl_total),
          ttlHistogram: {
            none: Number(r.h_none),
            lt1m: Number(r.h_lt1m),
            lt1h: Number(r.h_lt1h),
            lt1d: Number(r.h_lt1d),
            lt7d: Number(r.h_lt7d),
            ge7d: Number(r.h_ge7d),
          },
          biggestKeyBytes: Number(r.biggest_key_bytes),
          exampleKey: r.example,
          instances: Number(r.instances),
          scannedAtMs: Number(r.scanned_ms),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/clusters/:cluster/keys/patterns/growth',
    {
      schema: {
        summary: 'Key patterns that grew fastest between the first and last scan of each instance in a range',
        tags: ['keys'],
        params: ClusterParams,
        querystring: GrowthQuery,
        response: {
          200: Type.Object({ from: Type.Integer(), to: Type.Integer(), items: Type.Array(Growth) }),
          400: ErrorResponse,
        },
      },
    },
    async (req) => {
      const range = resolveTimeRange(req.query, undefined, 7 * 86400);
      const order = req.query.order ?? 'bytes';
      const s = {
        database: app.database,
        cluster: req.params.cluster,
        instance: req.query.instance,
        sinceSec: range.fromSec,
        toSec: range.toSec,
      };
      const rows = await selectRows<GrowthRow>(app.clickhouse, patternGrowthSql(s, order, req.query.limit ?? 20));
      return {
        from: range.fromSec,
        to: range.toSec,
        items: rows.map((r) => {
          // A pattern absent from the first scans has no first time of its own: use the range start.
          const firstMs = Number(r.first_ms) || range.fromSec * 1000;
          const spanDays = (Number(r.last_ms) - firstMs) / 86_400_000;
          return {
            pattern: r.pattern,
            bytesBefore: Number(r.bytes_before),
            bytesNow: Number(r.bytes_now),
            keysBefore: Number(r.keys_before),
            keysNow: Number(r.keys_now),
            noTtlBefore: Number(r.no_ttl_before),
            noTtlNow: Number(r.no_ttl_now),
            growth: Number(r.growth),
            growthPerDay: spanDays > 0 ? Number(r.growth) / spanDays : null,
            firstScanMs: firstMs,
            lastScanMs: Number(r.last_ms),
          };
        }),
      };
    },
  );
};

export default route;
