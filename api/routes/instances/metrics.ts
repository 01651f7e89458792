// GET /v1/instances/:id/metrics — INFO fields of one instance over time.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { instanceMetricsSql } from '../../queries/instance-metrics.ts';
import { selectRows } from '../../queries/run.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { resolveTimeRange, TimeRangeQuery } from '../../schemas/time-range.ts';

const MetricName = '[A-Za-z0-9_.|:-]{1,200}';

const Params = Type.Object({
  id: Type.String({ minLength: 3, maxLength: 300, pattern: '^[^\\s]+:\\d{1,5}$', description: 'host:port' }),
});
const Query = Type.Object(
  {
    names: Type.String({
      pattern: `^${MetricName}(,${MetricName}){0,19}$`,
      description: 'comma-separated INFO field names (at most 20), e.g. used_memory,connected_clients',
    }),
    ...TimeRangeQuery,
  },
  { additionalProperties: false },
);
const Response = Type.Object({
  instance: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  step: Type.Integer(),
  series: Type.Array(
    Type.Object({ name: Type.String(), points: Type.Array(Type.Tuple([Type.Integer(), Type.Number()])) }),
  ),
});

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/instances/:id/metrics',
    {
      schema: {
        summary: 'INFO fields of one instance over time',
        tags: ['instances'],
        params: Params,
        querystring: Query,
        response: { 200: Response, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveTimeRange(req.query);
      const names = [...new Set(req.query.names.split(','))];
      const rows = await selectRows<{ t: number; name: string; v: number }>(
        app.clickhouse,
        instanceMetricsSql({ database: app.database, instance: req.params.id, names, ...range }),
      );
      const byName = new Map<string, Array<[number, number]>>(names.map((n) => [n, []]));
      for (const r of rows) byName.get(r.name)?.push([Number(r.t), Number(r.v)]);
      return {
        instance: req.params.id,
        from: range.fromSec,
        to: range.toSec,
        step: range.stepSec,
        series: [...byName].map(([name, points]) => ({ name, points })),
      };
    },
  );
};

export default route;
