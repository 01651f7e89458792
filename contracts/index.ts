// Message contracts shared by every stage. Each shape is defined once, here.
export * from './topics.ts';
export * from './instance.ts';
export * from './info-sample.ts';
export * from './latency-buckets.ts';
export * from './instance-status.ts';
export * from './topology.ts';
export * from './slowlog.ts';
export * from './latency.ts';
export * from './clients.ts';
export * from './config-audit.ts';
export * from './keyspace.ts';
export * from './hotkeys.ts';
export * from './dead-letter.ts';
export * from './validate.ts';
export * from './alert.ts';
export * from './alert-rules.ts';
export * from './notification.ts';
