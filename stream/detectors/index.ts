// The registry of detectors: one line each.
import type { Detector } from './detector.ts';
import { evictionsDetector, memoryPressureDetector, redirectStormDetector, rejectedConnectionsDetector, replicationLinkDetector } from './info-detectors.ts';
import { nonExpiringKeysDetector } from './non-expiring-keys.ts';
import { clusterHealthDetector } from './cluster-health.ts';
import { failoverDetector } from './failover.ts';
import { instanceDownDetector } from './instance-down.ts';
import { blockingCommandDetector, slowlogStormDetector } from './slowlog-detectors.ts';
import { configFindingsDetector } from './config-findings.ts';

export const DETECTORS: readonly Detector<any, any>[] = [
  failoverDetector,
  clusterHealthDetector,
  instanceDownDetector,
  nonExpiringKeysDetector,
  memoryPressureDetector,
  evictionsDetector,
  rejectedConnectionsDetector,
  replicationLinkDetector,
  redirectStormDetector,
  slowlogStormDetector,
  blockingCommandDetector,
  configFindingsDetector,
];

export { DetectorRunner } from './runner.ts';
