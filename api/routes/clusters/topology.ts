// GET /v1/clusters/:cluster/topology/changes — what observers saw change, newest first.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { TopologyChangeKind } from '../../../contracts/topology.ts';
import { selectRows } from '../../queries/run.ts';
import { topologyChangesSql, type TopologyChangeRow } from '../../queries/topology.ts';
import { ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { BadRequestError, resolveTimeRange, TimeRangeQuery } from '../../schemas/time-range.ts';

const KINDS = TopologyChangeKind.anyOf.map((k) => k.const as string);

const Query = Type.Object(
  {
    from: TimeRangeQuery.from,
    to: TimeRangeQuery.to,
    kind: Type.Optional(
      Type.String({
        maxLength: 300,
        pattern: '^[a-z-]+(,[a-z-]+)*$',
        description: `comma-separated: ${KINDS.join(', ')}`,
      }),
    ),
    node: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, pattern: '^[^\\s]+$', description: 'node id or host:port' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const Change = Type.Object({
  tsMs: Type.Integer(),
  observer: Type.String({ description: 'host:port of the node that saw the change' }),
  observerId: Type.String(),
  kind: Type.String(),
  nodeId: Type.String(),
  addr: Type.String(),
  from: Type.String(),
  to: Type.String(),
  slotStart: Type.Union([Type.Integer(), Type.Null()]),
  slotEnd: Type.Union([Type.Integer(), Type.Null()]),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/topology/changes',
    {
      schema: {
        summary: 'Topology history: role, master, failing, slots … changes as each observer saw them',
        tags: ['inventory'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: Page(Change), 400: ErrorResponse },
      },
    },
    async (req) => {
      const kinds = req.query.kind?.split(',');
      const unknown = kinds?.find((k) => !KINDS.includes(k));
      if (unknown)
        throw new BadRequestError(`kind: unknown change kind ${JSON.stringify(unknown)}; one of ${KINDS.join(', ')}`);
      const limit = req.query.limit ?? 100;
      const scope = cursorScope('topology-changes', {
        cluster: req.params.cluster,
        kinds,
        node: req.query.node,
        from: req.query.from,
        to: req.query.to,
      });
      const cursor = openCursor(req.query.cursor, scope, ['number', 'string', 'string', 'string', 'number']);
      const range = cursor?.range ?? resolveTimeRange(req.query);
      const after = cursor?.key;
      const rows = await selectRows<TopologyChangeRow>(
        app.clickhouse,
        topologyChangesSql({
          database: app.database,
          cluster: req.params.cluster,
          fromSec: range.fromSec,
          toSec: range.toSec,
          kinds,
          node: req.query.node,
          after,
          limit,
        }),
      );
      const page = pageOf(
        rows,
        limit,
        scope,
        (r) => [Number(r.ts_ms), r.instance, r.kind, r.node_id, Number(r.slot_key)],
        range,
      );
      return {
        items: page.rows.map((r) => ({
          tsMs: Number(r.ts_ms),
          observer: r.instance,
          observerId: r.observer_id,
          kind: r.kind,
          nodeId: r.node_id,
          addr: r.addr,
          from: r.from_value,
          to: r.to_value,
          slotStart: r.slot_start,
          slotEnd: r.slot_end,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
};

export default route;
