// GET /v1/clusters/:cluster/latency — one latency series (all commands, or the ones named;
// the whole cluster, or one instance) with calls/s, µs/call and per-call percentiles per step.
// GET /v1/clusters/:cluster/latency/heatmap — the same range as calls per bucket per step.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { heatmapOf, loadSeries } from '../../latency.ts';
import { ClusterParams, InstanceId } from '../../schemas/common.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { LatencyHeatmap, LatencySeries, PERCENTILES_DESCRIPTION } from '../../schemas/latency.ts';
import { resolveTimeRange, TimeRangeQuery } from '../../schemas/time-range.ts';
import { parseCommands } from './filters.ts';

const Query = Type.Object(
  {
    instance: Type.Optional(InstanceId),
    command: Type.Optional(
      Type.String({
        maxLength: 2600,
        description: 'comma-separated commands (at most 20), e.g. get,set; default: all',
      }),
    ),
    ...TimeRangeQuery,
  },
  { additionalProperties: false },
);

const TIERS =
  'The table follows from the range (per-sample buckets up to 1 h, minute rollup up to 2 days, hour rollup beyond); step is rounded up to whole buckets.';

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/latency',
    {
      schema: {
        summary: 'Response time over time: calls/s, µs/call and per-call p50/p90/p99/p99.9 per step',
        description: `${PERCENTILES_DESCRIPTION} A whole cluster sums its instances' buckets. ${TIERS}`,
        tags: ['latency'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: LatencySeries, 400: ErrorResponse },
      },
    },
    async (req) => {
      const commands = parseCommands(req.query.command);
      const f = { database: app.database, cluster: req.params.cluster, instance: req.query.instance, commands };
      const s = await loadSeries(app, f, resolveTimeRange(req.query));
      return {
        cluster: req.params.cluster,
        instance: req.query.instance ?? null,
        commands: commands ?? null,
        tier: s.tier,
        from: s.fromSec,
        to: s.toSec,
        step: s.stepSec,
        basis: s.basis,
        histogramCoverage: s.histogramCoverage,
        points: s.points,
      };
    },
  );

  app.get(
    '/clusters/:cluster/latency/heatmap',
    {
      schema: {
        summary: 'Calls per execution-time bucket per step (a latency heatmap)',
        description: `Bucket counts of single calls, summed over the instances and the step, with every bucket's bounds. ${TIERS}`,
        tags: ['latency'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: LatencyHeatmap, 400: ErrorResponse },
      },
    },
    async (req) => {
      const commands = parseCommands(req.query.command);
      const f = { database: app.database, cluster: req.params.cluster, instance: req.query.instance, commands };
      const s = await loadSeries(app, f, resolveTimeRange(req.query));
      return {
        cluster: req.params.cluster,
        instance: req.query.instance ?? null,
        commands: commands ?? null,
        tier: s.tier,
        from: s.fromSec,
        to: s.toSec,
        step: s.stepSec,
        basis: s.basis,
        ...heatmapOf(s),
      };
    },
  );
};

export default route;
