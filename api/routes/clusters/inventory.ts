// GET /v1/clusters and /v1/clusters/:cluster/instances — served from the inventory cache.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { loadClusters, loadInstances } from '../../inventory.ts';
import { ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { Cluster, Health, Instance } from '../../schemas/inventory.ts';

const ListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
const InstancesQuery = Type.Object(
  {
    role: Type.Optional(Type.Union([Type.Literal('master'), Type.Literal('replica')])),
    health: Type.Optional(Health),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/**
 * The hottest calls of the API (dashboards, the CLI) answer from a cache of rendered pages:
 * no serialisation on a hit. A page may be up to twice `inventoryMs` old (a page rendered
 * from a list just before the list expires).
 */
async function sendCachedPage(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  build: () => Promise<object>,
) {
  const key = `page:${req.url}`;
  let body = app.inventoryCache.get(key) as string | undefined;
  if (body === undefined) {
    body = reply.serializeInput((await build()) as Record<string, unknown>, '200') as string;
    app.inventoryCache.set(key, body, app.cacheTtls.inventoryMs);
  }
  return reply.type('application/json; charset=utf-8').send(body);
}

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters',
    {
      schema: {
        summary: 'Clusters with an instance sampled in the last 24 h',
        tags: ['inventory'],
        querystring: ListQuery,
        response: { 200: Page(Cluster), 400: ErrorResponse },
      },
    },
    (req, reply) =>
      sendCachedPage(app, req, reply, async () => {
        const limit = req.query.limit ?? 100;
        const scope = cursorScope('clusters', {});
        const after = openCursor(req.query.cursor, scope, ['string'])?.key;
        const all = await loadClusters(app);
        const rows = after ? all.filter((c) => c.name > after[0]!) : all;
        const page = pageOf(rows.slice(0, limit + 1), limit, scope, (c) => [c.name]);
        return { items: page.rows, nextCursor: page.nextCursor };
      }),
  );

  app.get(
    '/clusters/:cluster/instances',
    {
      schema: {
        summary: 'Instances of a cluster: role, host, slots, version, health',
        description:
          'Joins the newest INFO sample, the newest topology view and reachability. Cached for a few seconds.',
        tags: ['inventory'],
        params: ClusterParams,
        querystring: InstancesQuery,
        response: { 200: Page(Instance), 400: ErrorResponse },
      },
    },
    (req, reply) =>
      sendCachedPage(app, req, reply, async () => {
        const { role, health } = req.query;
        const limit = req.query.limit ?? 100;
        const scope = cursorScope('instances', { cluster: req.params.cluster, role, health });
        const after = openCursor(req.query.cursor, scope, ['string'])?.key;
        const all = await loadInstances(app, req.params.cluster);
        const rows = all.filter(
          (i) =>
            (after === undefined || i.id > after[0]!) &&
            (role === undefined || i.role === role) &&
            (health === undefined || i.health === health),
        );
        const page = pageOf(rows.slice(0, limit + 1), limit, scope, (i) => [i.id]);
        return { items: page.rows, nextCursor: page.nextCursor };
      }),
  );
};

export default route;
