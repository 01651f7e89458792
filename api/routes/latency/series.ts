// GET /v1/clusters/:cluster/latency — one latency series (all commands, or the ones named;
// the whole cluster, or one instance) with calls/s, usec/call and percentiles per step.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { loadSeries } from '../../latency.ts';
import { ClusterParams, InstanceId } from '../../schemas/common.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { LatencySeries } from '../../schemas/latency.ts';
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

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/latency',
    {
      schema: {
        summary: 'Response time over time: calls/s, usec/call and p50/p90/p99/p99.9 per step',
        description:
          'Percentiles are of the per-sample per-instance MEAN latency (see the API description). The tier (raw/minute/hour) follows from the range; step is rounded up to whole buckets.',
        tags: ['latency'],
        params: ClusterParams,
        querystring: Query,
        response: { 200: LatencySeries, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveTimeRange(req.query);
      const commands = parseCommands(req.query.command);
      const s = await loadSeries(
        app,
        { database: app.database, cluster: req.params.cluster, instance: req.query.instance, commands },
        range,
      );
      return {
        cluster: req.params.cluster,
        instance: req.query.instance ?? null,
        commands: commands ?? null,
        tier: s.tier,
        from: s.fromSec,
        to: s.toSec,
        step: s.stepSec,
        points: s.points,
      };
    },
  );
};

export default route;
