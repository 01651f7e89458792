// Reading a shard-local table on every server of a ClickHouse cluster, every replica of
// every shard — not one replica per shard as a Distributed table does. What the stream
// processor reads to decide whether rows are stored (watermarks, running inserts) must
// not depend on which replica answers: one that was just restarted may still be fetching
// parts from the other. remote() with comma-separated addresses treats each server as a
// shard of its own (ClickHouse 18.16 has no clusterAllReplicas).
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';

export interface ServerSet {
  cluster: string | null;
  username: string;
  password: string;
}

export class EveryServer {
  private hosts: Promise<string[]> | null = null;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly servers: ServerSet,
  ) {}

  /** FROM clause for `database.table` (the `_local` table on a cluster, given its plain name) on every server. */
  async from(database: string, table: string, local = true): Promise<SqlFragment> {
    if (!this.servers.cluster) return identifier(`${database}.${table}`);
    const name = local && database !== 'system' ? `${table}_local` : table;
    const hosts = await this.hostList();
    return sql`remote(${hosts.join(',')}, ${identifier(database)}, ${identifier(name)}, ${this.servers.username}, ${this.servers.password})`;
  }

  /** Settings for a query using `from`: a server that is down is skipped (it cannot be running or storing anything). */
  settings(): { skip_unavailable_shards?: 1 } {
    return this.servers.cluster ? { skip_unavailable_shards: 1 } : {};
  }

  private hostList(): Promise<string[]> {
    this.hosts ??= (async () => {
      const rs = await this.client.query({
        query:
          sql`SELECT host_address, port FROM system.clusters WHERE cluster = ${this.servers.cluster!} ORDER BY shard_num, replica_num`
            .text,
        format: 'JSONEachRow',
      });
      const hosts = (await rs.json<{ host_address: string; port: number }>()).map((h) => `${h.host_address}:${h.port}`);
      if (hosts.length === 0)
        throw new Error(`cluster ${this.servers.cluster} is not in system.clusters of this server`);
      return hosts;
    })().catch((err) => {
      this.hosts = null;
      throw err;
    });
    return this.hosts;
  }
}
