// GET /v1/clusters/:cluster/latency/tail — who makes the tail: instances ranked by their
// calls in the cluster's p99 bucket or slower.
// GET /v1/clusters/:cluster/latency/instances — the two sides of a response time per
// instance: execution inside Redis beside the PING probe's round trip.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { loadInstances, loadTail } from '../../latency.ts';
import { ClusterParams, InstanceId } from '../../schemas/common.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { LatencyInstances, LatencyTail, PERCENTILES_DESCRIPTION } from '../../schemas/latency.ts';
import { resolveTimeRange, TimeRangeQuery } from '../../schemas/time-range.ts';
import { parseCommands } from './filters.ts';

const command = Type.Optional(
  Type.String({ maxLength: 2600, description: 'comma-separated commands (at most 20), e.g. get; default: all' }),
);
const range = { from: TimeRangeQuery.from, to: TimeRangeQuery.to };

const TailQuery = Type.Object(
  { command, ...range, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })) },
  { additionalProperties: false },
);
const InstancesQuery = Type.Object(
  { instance: Type.Optional(InstanceId), command, ...range },
  { additionalProperties: false },
);

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/latency/tail',
    {
      schema: {
        summary: "Who makes the tail: instances ranked by their calls in the cluster's p99 bucket or slower",
        description:
          "The cluster's per-call histogram is the sum of its instances'. Its p99 falls in one bucket (tailBucket); every call in that bucket or a slower one is a tail call, and each instance is ranked by how many it made (tailShare: of the cluster's tail; tailFraction: of its own calls). " +
          PERCENTILES_DESCRIPTION,
        tags: ['latency'],
        params: ClusterParams,
        querystring: TailQuery,
        response: { 200: LatencyTail, 400: ErrorResponse },
      },
    },
    async (req) => {
      const commands = parseCommands(req.query.command);
      const r = resolveTimeRange(req.query, undefined, 3600);
      const t = await loadTail(
        app,
        { database: app.database, cluster: req.params.cluster, commands },
        r,
        req.query.limit ?? 20,
      );
      return {
        cluster: req.params.cluster,
        commands: commands ?? null,
        from: t.fromSec,
        to: t.toSec,
        tiers: t.tiers,
        basis: t.basis,
        calls: t.calls,
        p99: t.p99,
        tailBucket: t.tailBucket,
        tailCalls: t.tailCalls,
        items: t.items,
      };
    },
  );

  app.get(
    '/clusters/:cluster/latency/instances',
    {
      schema: {
        summary: 'Where the time goes, per instance: execution inside Redis beside the PING round trip',
        description:
          "`execution`: the selected commands' per-call execution time inside Redis (LATENCY HISTOGRAM; µs/call from commandstats). `roundTrip`: the collector's PING probe on its own connection — network, Redis's event loop and queueing behind other clients. A round trip far above execution points at the network or a busy event loop, not at the commands. " +
          PERCENTILES_DESCRIPTION,
        tags: ['latency'],
        params: ClusterParams,
        querystring: InstancesQuery,
        response: { 200: LatencyInstances, 400: ErrorResponse },
      },
    },
    async (req) => {
      const commands = parseCommands(req.query.command);
      const r = resolveTimeRange(req.query, undefined, 3600);
      const f = { database: app.database, cluster: req.params.cluster, instance: req.query.instance, commands };
      const s = await loadInstances(app, f, r);
      return {
        cluster: req.params.cluster,
        commands: commands ?? null,
        from: s.fromSec,
        to: s.toSec,
        tiers: s.tiers,
        items: s.items,
      };
    },
  );
};

export default route;
