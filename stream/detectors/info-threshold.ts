// Detectors that watch one instance's INFO samples through a condition with hysteresis.
// Each supplies `evaluate` (is the condition true now, and what to say) and timings;
// this module does the state bookkeeping and event building once for all of them.
import type { DetectorsConfig } from '../../common/config-detectors.ts';
import { TOPICS, type AlertRule, type InfoSampleV1, type Severity } from '../../contracts/index.ts';
import { initialCondition, stepCondition, type ConditionState } from './condition.ts';
import type { Detector } from './detector.ts';
import { alertEvent } from './events.ts';

export interface InfoThresholdState {
  cond: ConditionState;
  /** The previous sample's time and the fields `evaluate` asked to remember (for rates). */
  prev: { ts: number; values: Record<string, number> } | null;
}

export interface Evaluation {
  isTrue: boolean;
  summary: string;
  details: string;
  labels?: Record<string, string>;
}

export interface InfoThresholdSpec {
  rule: AlertRule;
  severity: Severity;
  enabled(s: DetectorsConfig): boolean;
  timings(s: DetectorsConfig): { forMs: number; clearForMs: number };
  /** Fields kept from each sample for the next evaluation (counters for rates). */
  remember?: readonly string[];
  /** `undefined` = no opinion on this sample (e.g. the field is absent): state unchanged. */
  evaluate(m: InfoSampleV1, prev: InfoThresholdState['prev'], s: DetectorsConfig): Evaluation | undefined;
  resolvedSummary(m: InfoSampleV1): string;
}

export function infoThresholdDetector(spec: InfoThresholdSpec): Detector<InfoSampleV1, InfoThresholdState> {
  return {
    name: spec.rule,
    topics: [TOPICS.info],
    enabled: spec.enabled,
    subject: (m) => m.instance.id,
    observe(m, state, ctx) {
      const current: InfoThresholdState = state ?? { cond: initialCondition(), prev: null };
      const remembered = Object.fromEntries(
        (spec.remember ?? []).flatMap((f) => (m.fields[f] === undefined ? [] : [[f, m.fields[f]!]])),
      );
      const evaluation = spec.evaluate(m, current.prev, ctx.settings);
      const prev = { ts: m.ts, values: remembered };
      if (!evaluation) return { state: { ...current, prev }, events: [] };
      const { state: cond, transition } = stepCondition(
        current.cond,
        evaluation.isTrue,
        m.ts,
        spec.timings(ctx.settings),
      );
      const base = {
        rule: spec.rule,
        severity: spec.severity,
        cluster: m.instance.cluster,
        instance: m.instance.id,
        subject: [m.instance.id],
        ts: m.ts,
        labels: { role: m.role, ...evaluation.labels },
      };
      const events =
        transition === 'fire'
          ? [alertEvent({ ...base, status: 'firing', summary: evaluation.summary, details: evaluation.details })]
          : transition === 'resolve'
            ? [
                alertEvent({
                  ...base,
                  status: 'resolved',
                  summary: spec.resolvedSummary(m),
                  details: evaluation.details,
                }),
              ]
            : [];
      return { state: { cond, prev }, events };
    },
  };
}

/** Per-second rate of a counter between two samples; a counter that went back (restart) counts from 0. */
export function counterRate(m: InfoSampleV1, prev: InfoThresholdState['prev'], field: string): number | undefined {
  const cur = m.fields[field];
  const before = prev?.values[field];
  if (cur === undefined || before === undefined || !prev || m.ts <= prev.ts) return undefined;
  const delta = cur >= before ? cur - before : cur;
  return delta / ((m.ts - prev.ts) / 1000);
}
