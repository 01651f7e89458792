// GET /v1/clusters/:cluster/keys/big — the biggest keys of each instance's latest scan.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { bigKeysSql, SCAN_WINDOW_S, type BigKeyRow } from '../../queries/keys.ts';
import { selectRows } from '../../queries/run.ts';
import { ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { KeysScopeQuery } from './scope.ts';

const Query = Type.Object(
  {
    ...KeysScopeQuery,
    by: Type.Optional(
      Type.Union([Type.Literal('bytes'), Type.Literal('length')], {
        default: 'bytes',
        description: 'MEMORY USAGE or element count',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const BigKey = Type.Object({
  instance: Type.String({ description: 'the shard master' }),
  scannedOn: Type.String({ description: 'where SCAN ran (a replica by default)' }),
  scannedAtMs: Type.Integer(),
  key: Type.String(),
  pattern: Type.String(),
  type: Type.String(),
  bytes: Type.Integer({ description: 'MEMORY USAGE (an estimate for big aggregates)' }),
  length: Type.Integer({ description: 'elements (STRLEN for strings)' }),
  ttlMs: Type.Integer({ description: '-1: no TTL' }),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/keys/big',
    {
      schema: {
        summary: 'Big keys (latest keyspace scan of each instance)',
        tags: ['keys'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: Page(BigKey), 400: ErrorResponse },
      },
    },
    async (req) => {
      const by = req.query.by ?? 'bytes';
      const limit = req.query.limit ?? 100;
      const scope = cursorScope('keys-big', { cluster: req.params.cluster, instance: req.query.instance, by });
      const after = openCursor(req.query.cursor, scope, ['number', 'string', 'string'])?.key;
      const s = {
        database: app.database,
        cluster: req.params.cluster,
        instance: req.query.instance,
        sinceSec: Math.floor(Date.now() / 1000) - SCAN_WINDOW_S,
      };
      const rows = await selectRows<BigKeyRow>(app.clickhouse, bigKeysSql(s, by, { after, limit }));
      const page = pageOf(rows, limit, scope, (r) => [Number(by === 'bytes' ? r.bytes : r.length), r.instance, r.key]);
      return {
        items: page.rows.map((r) => ({
          instance: r.instance,
          scannedOn: r.scanned_on,
          scannedAtMs: Number(r.ts_ms),
          key: r.key,
          pattern: r.pattern,
          type: r.type,
          bytes: Number(r.bytes),
          length: Number(r.length),
          ttlMs: Number(r.ttl_ms),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
};

export default route;
