-- Detector state has one owner at a time: the processor that owns the Kafka partition the
-- subject's messages arrive on (instance-keyed topics; topology is keyed by cluster, so a
-- cluster's failover state lives with one partition). A processor given a partition loads
-- the states stored for it (stream/detectors/runner.ts). Rows from before this migration
-- have kafka_topic '' and are loaded by every processor once, as they were before.
ALTER TABLE {table:detector_state} ADD COLUMN kafka_topic String;
ALTER TABLE {table:detector_state} ADD COLUMN kafka_partition UInt32;
