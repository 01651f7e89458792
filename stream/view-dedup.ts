// On a ClickHouse cluster: what makes a block sent again after an unknown outcome reach
// the materialized views it may have missed.
//
// A replicated table drops a block it already holds and skips the block's views. If the
// server stored the block and died before running every view (a crash, an OOM kill),
// the block sent again is dropped together with its views, and the views that had not
// run lack it for good. Servers with `deduplicate_blocks_in_dependent_materialized_views`
// run the views of a dropped block too, each view's replicated target dropping a block it
// already holds: the setting goes with every insert. ClickHouse 18.16 has no such
// setting, and no way to repair it from outside: it does not deduplicate the blocks its
// views write (so a block sent through a copy of the views is stored twice where the
// views had run — tried, docs/exactly-once.md).
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { sql } from '../common/sql.ts';

export const VIEW_DEDUP_SETTING = 'deduplicate_blocks_in_dependent_materialized_views';

export class ViewDedup {
  private known: Promise<boolean> | null = null;

  constructor(private readonly client: ClickHouseClient) {}

  /** True when the server has the setting (asked once, again after a failure). */
  serverHasIt(): Promise<boolean> {
    this.known ??= this.client
      .query({
        query: sql`SELECT count() AS n FROM system.settings WHERE name = ${VIEW_DEDUP_SETTING}`.text,
        format: 'JSONEachRow',
      })
      .then(async (rs) => Number((await rs.json<{ n: string }>())[0]?.n ?? 0) > 0)
      .catch((err) => {
        this.known = null;
        throw err;
      });
    return this.known;
  }

  /** Settings for every insert on a cluster. */
  async insertSettings(): Promise<Record<string, unknown>> {
    return (await this.serverHasIt()) ? { [VIEW_DEDUP_SETTING]: 1 } : {};
  }
}
