// The registry of detectors: one line each.
import type { Detector } from './detector.ts';
import { evictionsDetector, memoryPressureDetector, redirectStormDetector, rejectedConnectionsDetector, replicationLinkDetector } from './info-detectors.ts';
import { nonExpiringKeysDetector } from './non-expiring-keys.ts';

export const DETECTORS: readonly Detector<any, any>[] = [
  nonExpiringKeysDetector,
  memoryPressureDetector,
  evictionsDetector,
  rejectedConnectionsDetector,
  replicationLinkDetector,
  redirectStormDetector,
];

export { DetectorRunner } from './runner.ts';
