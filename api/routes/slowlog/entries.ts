// GET /v1/clusters/:cluster/slowlog — SLOWLOG entries, newest first, filtered and paginated.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { selectRows } from '../../queries/run.ts';
import { slowlogEntriesSql, type SlowlogEntryRow } from '../../queries/slowlog.ts';
import { ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { resolveTimeRange } from '../../schemas/time-range.ts';
import { SlowlogFilterQuery } from './filters.ts';

const Query = Type.Object({ ...SlowlogFilterQuery, ...PageQuery }, { additionalProperties: false });

const Entry = Type.Object({
  ts: Type.Integer({ description: 'when Redis logged it, unix seconds' }),
  instance: Type.String(),
  entryId: Type.Integer(),
  runId: Type.String(),
  durationUs: Type.Integer({ description: 'execution time inside Redis, µs' }),
  command: Type.String(),
  args: Type.Array(Type.String(), { description: 'as the collector kept them: truncated, `?` = redacted value' }),
  argCount: Type.Integer(),
  argsTruncated: Type.Boolean(),
  clientAddr: Type.String(),
  clientName: Type.String(),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/slowlog',
    {
      schema: {
        summary: 'Search slow commands by instance, command, client and time',
        tags: ['slowlog'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: Page(Entry), 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const command = q.command?.toLowerCase();
      const scope = cursorScope('slowlog', {
        cluster: req.params.cluster,
        instance: q.instance,
        command,
        client: q.client,
        minDurationUs: q.minDurationUs,
        from: q.from,
        to: q.to,
      });
      const cursor = openCursor(q.cursor, scope, ['number', 'string', 'number', 'string']);
      const range = cursor?.range ?? resolveTimeRange(q, undefined, 86400);
      const filter = {
        database: app.database,
        cluster: req.params.cluster,
        fromSec: range.fromSec,
        toSec: range.toSec,
        instance: q.instance,
        command,
        client: q.client,
        minDurationUs: q.minDurationUs,
      };
      const rows = await selectRows<SlowlogEntryRow>(
        app.clickhouse,
        slowlogEntriesSql(filter, { after: cursor?.key, limit }),
      );
      const page = pageOf(rows, limit, scope, (r) => [Number(r.ts), r.instance, Number(r.entry_id), r.run_id], range);
      return {
        items: page.rows.map((r) => ({
          ts: Number(r.ts),
          instance: r.instance,
          entryId: Number(r.entry_id),
          runId: r.run_id,
          durationUs: Number(r.duration_us),
          command: r.command,
          args: r.args,
          argCount: Number(r.arg_count),
          argsTruncated: Number(r.args_truncated) === 1,
          clientAddr: r.client_addr,
          clientName: r.client_name,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
};

export default route;
