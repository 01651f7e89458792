// Silences, as Alertmanager has them (contracts/silence.ts): alerts whose labels match
// every matcher, between startsAt and endsAt, are recorded but not sent.
//   GET    /v1/silences            — open silences (active and pending); ?expired=true adds those ended in the last 7 days
//   POST   /v1/silences            — create one (admin token)
//   DELETE /v1/silences/:id        — expire one now (admin token)
// The alert manager reads them from ClickHouse every few seconds.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  silenceByIdSql,
  silenceFromRow,
  silenceRow,
  silencesSql,
  silencesTable,
} from '../../../clickhouse/silences.ts';
import { SilenceMatcher, SilenceV1, silenceProblems, silenceState } from '../../../contracts/index.ts';
import { selectRows } from '../../queries/run.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { BadRequestError, parseTime } from '../../schemas/time-range.ts';

/** The longest silence: a forgotten one must not mute a cluster for ever. */
const MAX_DURATION_MS = 90 * 86_400_000;
const EXPIRED_SHOWN_MS = 7 * 86_400_000;
const MAX_LISTED = 1000;

const SilenceOut = Type.Intersect([
  SilenceV1,
  Type.Object({ state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('expired')]) }),
]);

const CreateBody = Type.Object(
  {
    matchers: Type.Array(SilenceMatcher, { minItems: 1, maxItems: 20 }),
    comment: Type.String({ minLength: 1, maxLength: 1000 }),
    startsAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default now' })),
    endsAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds' })),
    durationMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: MAX_DURATION_MS,
        description: 'instead of endsAt: how long from startsAt',
      }),
    ),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) });

const route: FastifyPluginAsyncTypebox = async (app) => {
  const withState = (s: SilenceV1, nowMs = Date.now()) => ({ ...s, state: silenceState(s, nowMs) });

  async function byId(id: string): Promise<SilenceV1 | null> {
    const rows = await selectRows<Record<string, unknown>>(app.clickhouse, silenceByIdSql(app.database, id));
    return rows.map(silenceFromRow).find((s): s is SilenceV1 => s !== null) ?? null;
  }

  async function store(s: SilenceV1): Promise<void> {
    await app.clickhouseWriter.insert({
      table: silencesTable(app.database),
      values: [silenceRow(s)],
      format: 'JSONEachRow',
    });
  }

  app.get(
    '/silences',
    {
      schema: {
        summary: 'Open silences (active and pending), the latest ending first',
        tags: ['silences'],
        querystring: Type.Object(
          { expired: Type.Optional(Type.Boolean({ description: 'also those expired in the last 7 days' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SilenceOut) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const now = Date.now();
      const rows = await selectRows<Record<string, unknown>>(
        app.clickhouse,
        silencesSql(app.database, req.query.expired ? now - EXPIRED_SHOWN_MS : now, MAX_LISTED),
      );
      return {
        items: rows
          .map(silenceFromRow)
          .filter((s): s is SilenceV1 => s !== null)
          .map((s) => withState(s, now)),
      };
    },
  );

  app.post(
    '/silences',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Create a silence (admin): matching alerts are recorded, not sent, until it ends',
        tags: ['silences'],
        body: CreateBody,
        response: { 201: SilenceOut, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const now = Date.now();
      const startsAtMs = b.startsAt === undefined ? now : parseTime(b.startsAt, 'startsAt') * 1000;
      if ((b.endsAt === undefined) === (b.durationMs === undefined))
        throw new BadRequestError('give either endsAt or durationMs');
      const endsAtMs = b.endsAt !== undefined ? parseTime(b.endsAt, 'endsAt') * 1000 : startsAtMs + b.durationMs!;
      if (endsAtMs - startsAtMs > MAX_DURATION_MS) throw new BadRequestError('a silence lasts at most 90 days');
      if (endsAtMs <= now) throw new BadRequestError('endsAt: must be in the future');
      const silence: SilenceV1 = {
        id: randomUUID(),
        matchers: b.matchers,
        startsAtMs,
        endsAtMs,
        createdBy: req.principal?.name ?? 'anonymous',
        comment: b.comment,
        createdAtMs: now,
        updatedAtMs: now,
      };
      const problems = silenceProblems(silence);
      if (problems.length > 0) throw new BadRequestError(problems.join('; '));
      await store(silence);
      req.log.info(
        { silence: silence.id, by: silence.createdBy, endsAt: new Date(endsAtMs).toISOString() },
        'silence created',
      );
      return reply.code(201).send(withState(silence, now));
    },
  );

  app.delete(
    '/silences/:id',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Expire a silence now (admin); an expired one is left as it is',
        tags: ['silences'],
        params: IdParams,
        response: { 200: SilenceOut, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const found = await byId(req.params.id);
      if (!found)
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no silence ${req.params.id}` });
      const now = Date.now();
      if (silenceState(found, now) === 'expired') return withState(found, now);
      // A pending one is expired before it begins.
      const expired: SilenceV1 = {
        ...found,
        startsAtMs: Math.min(found.startsAtMs, now - 1),
        endsAtMs: now,
        updatedAtMs: now,
      };
      await store(expired);
      req.log.info({ silence: found.id, by: req.principal?.name ?? 'anonymous' }, 'silence expired');
      return withState(expired, now);
    },
  );
};

export default route;
