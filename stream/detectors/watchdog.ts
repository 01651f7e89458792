// The watchdog event: the stream processor says "alive, and here is what I see" every
// `detectors.watchdog.everyMs`, through Kafka, to the alert manager — which sends the
// optional heartbeat message (alerts.heartbeat) only while these keep coming. So the
// heartbeat reaching its receiver proves collector → Kafka → processor → manager → chat
// all work, like Alertmanager's Watchdog alert; a dead man's switch on the receiving end
// notices when it stops. Never routed as an alert itself.
import { WATCHDOG_RULE, type AlertEventV1 } from '../../contracts/index.ts';

export function watchdogEvent(s: {
  nowMs: number;
  processor: string;
  observed: number;
  sinceMs: number;
  newestSampleMs: number;
}): AlertEventV1 {
  const age = s.newestSampleMs > 0 ? `${((s.nowMs - s.newestSampleMs) / 1000).toFixed(1)} s old` : 'none yet';
  return {
    v: 1,
    kind: 'alert',
    ts: s.nowMs,
    fingerprint: WATCHDOG_RULE,
    rule: WATCHDOG_RULE,
    status: 'firing',
    severity: 'info',
    cluster: '',
    labels: { processor: s.processor.slice(0, 200) },
    summary:
      `stream processor ${s.processor}: ${s.observed} samples checked in the last ${Math.round((s.nowMs - s.sinceMs) / 1000)} s; newest sample ${age}`.slice(
        0,
        500,
      ),
    details: '',
    hints: [],
    lifecycle: 'report',
  };
}
