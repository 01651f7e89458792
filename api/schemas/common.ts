// Path and query fields shared by the routes. Patterns are strict on purpose: a value that
// cannot be a cluster, instance or command name is a 400 naming the field, before any SQL.
import Type from 'typebox';

export const ClusterName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'cluster name as configured (or the cluster id the collector found)',
});
export const InstanceId = Type.String({
  minLength: 3,
  maxLength: 300,
  pattern: '^[^\\s,]+:\\d{1,5}$',
  description: 'host:port',
});
export const CommandName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_|.:-]+$',
  description: 'command as in INFO commandstats, e.g. get, client|list (case-insensitive)',
});

export const ClusterParams = Type.Object({ cluster: ClusterName });

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'rows per page (1–1000)' }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'opaque; `nextCursor` of the previous page' })),
};

/** A list page: `nextCursor` is null on the last page. */
export function Page<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}
