// GET /v1/clusters/:cluster/latency/commands — the slowest commands over a range (top-N);
// GET /v1/clusters/:cluster/latency/compare — the same per command for two ranges, side by side.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { loadSummary, type SummaryOrder } from '../../latency.ts';
import { ClusterParams, InstanceId } from '../../schemas/common.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { CommandLatencyList, LatencyComparison, PERCENTILES_DESCRIPTION } from '../../schemas/latency.ts';
import {
  BadRequestError,
  MAX_RANGE_SECONDS,
  parseTime,
  resolveTimeRange,
  TimeRangeQuery,
} from '../../schemas/time-range.ts';
import { parseCommands } from './filters.ts';

const ORDERS: SummaryOrder[] = ['usec_per_call', 'p50', 'p90', 'p99', 'p999', 'calls', 'total_usec'];
const Order = Type.Optional(
  Type.Union(
    ORDERS.map((o) => Type.Literal(o)),
    { default: 'usec_per_call', description: 'what "slowest" means' },
  ),
);

const common = {
  instance: Type.Optional(InstanceId),
  command: Type.Optional(
    Type.String({ maxLength: 2600, description: 'comma-separated commands (at most 20); default: all' }),
  ),
  from: TimeRangeQuery.from,
  to: TimeRangeQuery.to,
  minCalls: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000_000_000_000,
      default: 1,
      description: 'leave out commands called fewer times in the range',
    }),
  ),
};

const TopQuery = Type.Object(
  { ...common, order: Order, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })) },
  { additionalProperties: false },
);
const CompareQuery = Type.Object(
  {
    ...common,
    baselineFrom: Type.Optional(
      Type.String({ maxLength: 40, description: 'default: the range of equal length just before `from`' }),
    ),
    baselineTo: Type.Optional(Type.String({ maxLength: 40 })),
    order: Type.Optional(
      Type.Union(
        [Type.Literal('usec_per_call_ratio'), Type.Literal('p99_ratio'), Type.Literal('calls_per_sec_ratio')],
        { default: 'usec_per_call_ratio' },
      ),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  },
  { additionalProperties: false },
);

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a != null && b != null && b > 0 ? a / b : null;

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/latency/commands',
    {
      schema: {
        summary: 'Top-N slowest commands over a range',
        description: `Per command: calls, calls/s, µs/call (mean), total µs and p50/p90/p99/p99.9 of single calls (basis \`calls\`; \`sample-means\` for servers without LATENCY HISTOGRAM). ${PERCENTILES_DESCRIPTION}`,
        tags: ['latency'],
        params: ClusterParams,
        querystring: TopQuery,
        response: { 200: CommandLatencyList, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveTimeRange(req.query, undefined, 3600);
      const f = {
        database: app.database,
        cluster: req.params.cluster,
        instance: req.query.instance,
        commands: parseCommands(req.query.command),
      };
      const s = await loadSummary(app, f, range, {
        order: req.query.order ?? 'usec_per_call',
        limit: req.query.limit ?? 10,
        minCalls: req.query.minCalls ?? 1,
      });
      return {
        cluster: req.params.cluster,
        instance: req.query.instance ?? null,
        from: s.fromSec,
        to: s.toSec,
        coveredSeconds: s.coveredSeconds,
        tiers: s.tiers,
        items: s.items,
      };
    },
  );

  app.get(
    '/clusters/:cluster/latency/compare',
    {
      schema: {
        summary: 'Compare two time ranges per command (e.g. today against yesterday)',
        tags: ['latency'],
        params: ClusterParams,
        querystring: CompareQuery,
        response: { 200: LatencyComparison, 400: ErrorResponse },
      },
    },
    async (req) => {
      const current = resolveTimeRange(req.query, undefined, 3600);
      const length = current.toSec - current.fromSec;
      const baseline = {
        fromSec:
          req.query.baselineFrom !== undefined
            ? parseTime(req.query.baselineFrom, 'baselineFrom')
            : current.fromSec - length,
        toSec:
          req.query.baselineTo !== undefined
            ? parseTime(req.query.baselineTo, 'baselineTo')
            : req.query.baselineFrom !== undefined
              ? Number.NaN
              : current.fromSec - 1,
      };
      if (Number.isNaN(baseline.toSec)) baseline.toSec = baseline.fromSec + length;
      if (baseline.fromSec >= baseline.toSec) throw new BadRequestError('baselineFrom: must be before baselineTo');
      if (baseline.toSec - baseline.fromSec > MAX_RANGE_SECONDS)
        throw new BadRequestError(
          `the range baselineFrom..baselineTo may span at most ${MAX_RANGE_SECONDS / 86400} days`,
        );
      const f = {
        database: app.database,
        cluster: req.params.cluster,
        instance: req.query.instance,
        commands: parseCommands(req.query.command),
      };
      const opts = { order: 'total_usec' as const, limit: 1000, minCalls: req.query.minCalls ?? 1 };
      const [a, b] = await Promise.all([loadSummary(app, f, current, opts), loadSummary(app, f, baseline, opts)]);
      const byCommand = new Map(b.items.map((x) => [x.command, x]));
      const names = [...new Set([...a.items.map((x) => x.command), ...b.items.map((x) => x.command)])];
      const items = names.map((command) => {
        const cur = a.items.find((x) => x.command === command) ?? null;
        const base = byCommand.get(command) ?? null;
        return {
          command,
          current: cur,
          baseline: base,
          usecPerCallRatio: ratio(cur?.usecPerCall, base?.usecPerCall),
          p99Ratio: ratio(cur?.p99, base?.p99),
          callsPerSecRatio: ratio(cur?.callsPerSec, base?.callsPerSec),
        };
      });
      const key = {
        usec_per_call_ratio: 'usecPerCallRatio',
        p99_ratio: 'p99Ratio',
        calls_per_sec_ratio: 'callsPerSecRatio',
      } as const;
      const k = key[req.query.order ?? 'usec_per_call_ratio'];
      // Biggest change first; commands present in only one range (ratio null) last.
      items.sort((x, y) => (y[k] ?? -1) - (x[k] ?? -1) || x.command.localeCompare(y.command));
      return {
        cluster: req.params.cluster,
        instance: req.query.instance ?? null,
        current: { from: a.fromSec, to: a.toSec },
        baseline: { from: b.fromSec, to: b.toSec },
        items: items.slice(0, req.query.limit ?? 20),
      };
    },
  );
};

export default route;
