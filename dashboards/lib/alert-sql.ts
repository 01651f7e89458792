// Alert tables (0008_alerts.sql) as dashboards read them.

/**
 * Alerts firing now, from the alert manager's state (one row per fingerprint; FINAL
 * because every change is a new row with a higher version). The summary is the one of
 * the latest event, kept as JSON in `event`.
 */
export const firingAlerts = `SELECT toDateTime(intDiv(firing_since_ms, 1000)) AS since, severity, rule, cluster, instance,
       visitParamExtractString(event, 'summary') AS summary
FROM alert_state FINAL
WHERE status = 'firing' AND $__conditionalAll(cluster IN (\${cluster:singlequote}), $cluster)`;
