// GET /v1/clusters/:cluster/slowlog/patterns — which kinds of slow command cost the most:
// entries grouped by command and normalised arguments (api/slowlog-pattern.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { selectRows } from '../../queries/run.ts';
import { SLOWLOG_GROUPS_MAX, slowlogGroupsSql, type SlowlogGroupRow } from '../../queries/slowlog.ts';
import { ClusterParams } from '../../schemas/common.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { resolveTimeRange } from '../../schemas/time-range.ts';
import { slowlogPattern } from '../../slowlog-pattern.ts';
import { SlowlogFilterQuery } from './filters.ts';

const Query = Type.Object(
  {
    ...SlowlogFilterQuery,
    order: Type.Optional(
      Type.Union([Type.Literal('total_us'), Type.Literal('entries'), Type.Literal('max_us')], { default: 'total_us' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  },
  { additionalProperties: false },
);

const Pattern = Type.Object({
  pattern: Type.String({ description: 'command and normalised arguments: keys as patterns (`user:*`), values as `?`' }),
  command: Type.String(),
  entries: Type.Integer(),
  totalUs: Type.Integer(),
  maxUs: Type.Integer(),
  avgUs: Type.Number(),
  lastTs: Type.Integer(),
  example: Type.Array(Type.String(), { description: 'the arguments of one entry' }),
});

const Response = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  /** True when more (command, args) groups existed than were folded. */
  partial: Type.Boolean(),
  items: Type.Array(Pattern),
});

interface Acc {
  pattern: string;
  command: string;
  entries: number;
  totalUs: number;
  maxUs: number;
  lastTs: number;
  example: string[];
}

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/slowlog/patterns',
    {
      schema: {
        summary: 'Top slow-command patterns (arguments normalised)',
        tags: ['slowlog'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: Response, 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const range = resolveTimeRange(q, undefined, 86400);
      const filter = {
        database: app.database,
        cluster: req.params.cluster,
        fromSec: range.fromSec,
        toSec: range.toSec,
        instance: q.instance,
        command: q.command?.toLowerCase(),
        client: q.client,
        minDurationUs: q.minDurationUs,
      };
      const groups = await selectRows<SlowlogGroupRow>(app.clickhouse, slowlogGroupsSql(filter));
      const byPattern = new Map<string, Acc>();
      for (const g of groups) {
        const pattern = slowlogPattern(g.command, g.args);
        const acc = byPattern.get(pattern) ?? {
          pattern,
          command: g.command,
          entries: 0,
          totalUs: 0,
          maxUs: 0,
          lastTs: 0,
          example: g.args,
        };
        acc.entries += Number(g.entries);
        acc.totalUs += Number(g.total_us);
        acc.maxUs = Math.max(acc.maxUs, Number(g.max_us));
        acc.lastTs = Math.max(acc.lastTs, Number(g.last_ts));
        byPattern.set(pattern, acc);
      }
      const order = q.order ?? 'total_us';
      const value = (a: Acc) => (order === 'entries' ? a.entries : order === 'max_us' ? a.maxUs : a.totalUs);
      const items = [...byPattern.values()]
        .sort((a, b) => value(b) - value(a) || a.pattern.localeCompare(b.pattern))
        .slice(0, q.limit ?? 20)
        .map((a) => ({ ...a, avgUs: a.totalUs / a.entries }));
      return { from: range.fromSec, to: range.toSec, partial: groups.length >= SLOWLOG_GROUPS_MAX, items };
    },
  );
};

export default route;
