-- Late data, for the API's caches of latency sums (api/late-data.ts). The API keeps a
-- summary's pieces (a day of hour rows, an hour of minute rows) for minutes once they lie
-- wholly in the past; samples can still arrive for that past — a collector sending its
-- spill after a Kafka outage, a processor catching up on a backlog — and the cached piece
-- would then be wrong until it expired. Every INSERT into info_samples that carries a
-- sample more than 60 s old leaves one row per cluster here: when it was stored and the
-- span of sample times it held. The API reads the last minutes of this table about once a
-- second and drops every cached piece or result that such a row overlaps, so a late sample
-- shows up within seconds, like a fresh one.
--
-- On time, the view writes nothing (HAVING), so the table stays empty while the pipeline
-- keeps up; retention keeps a day (common/config.ts). 60 s is below the age (2 minutes)
-- at which the API starts keeping pieces long (api/plugins/caches.ts), so every sample
-- that lands in a long-kept piece is recorded. inserted_at is the server's clock when the
-- view ran; the API compares it with the server's clock too.
CREATE TABLE IF NOT EXISTS {table:info_arrivals}
(
    cluster {lc:String},
    inserted_at DateTime,
    min_ts DateTime,
    max_ts DateTime,
    samples UInt64
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(inserted_at)
ORDER BY (inserted_at, cluster);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:info_arrivals_mv} TO {local:info_arrivals} AS
SELECT cluster, now() AS inserted_at, min(ts) AS min_ts, max(ts) AS max_ts, count() AS samples
FROM {local:info_samples}
GROUP BY cluster
HAVING min_ts < inserted_at - 60;
