// The registry of detectors: one line each.
import type { Detector } from './detector.ts';
import {
  evictionsDetector,
  memoryPressureDetector,
  redirectStormDetector,
  rejectedConnectionsDetector,
  replicationLinkDetector,
} from './info-detectors.ts';
import { memoryForecastDetector } from './memory-forecast.ts';
import { nonExpiringKeysDetector } from './non-expiring-keys.ts';
import { clusterHealthDetector } from './cluster-health.ts';
import { failoverDetector } from './failover.ts';
import { instanceDownDetector } from './instance-down.ts';
import { blockingCommandDetector, slowlogStormDetector } from './slowlog-detectors.ts';
import { configDigestDetector } from './config-digest.ts';
import { clusterBlindDetector, collectorBlindDetector } from './monitoring-blind.ts';
import { bigKeyDetector, hotKeyDetector, newPatternWithoutTtlDetector } from './keyspace-detectors.ts';

// biome-ignore lint/suspicious/noExplicitAny: each detector has its own message and state types; the runner routes by topic.
export const DETECTORS: readonly Detector<any, any>[] = [
  failoverDetector,
  clusterHealthDetector,
  instanceDownDetector,
  nonExpiringKeysDetector,
  memoryPressureDetector,
  memoryForecastDetector,
  evictionsDetector,
  rejectedConnectionsDetector,
  replicationLinkDetector,
  redirectStormDetector,
  slowlogStormDetector,
  blockingCommandDetector,
  configDigestDetector,
  clusterBlindDetector,
  collectorBlindDetector,
  newPatternWithoutTtlDetector,
  bigKeyDetector,
  hotKeyDetector,
];

export { DetectorRunner } from './runner.ts';
