// The one datasource every redscope panel and variable queries. Grafana gets it from
// provisioning/datasources/clickhouse.yaml under this uid, so dashboards never ask for one.
export const CLICKHOUSE_DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'redscope-clickhouse' } as const;
