// Percentiles from summed bucket counts in ClickHouse SQL, with exactly the semantics of
// the API (common/histogram-quantile.ts, Prometheus's histogram_quantile): rank = q × total,
// the first bucket whose cumulative count reaches it, linear interpolation between the
// bucket's lower and upper bound. test/latency-dashboard.test.ts holds the two equal on the
// same rows. Only functions 18.16 has: arraySum, arrayCumSum, arrayFirstIndex, arrayElement.
import { BUCKET_UPPER_US, PROBE_BUCKET_UPPER_US, PROBE_OVERFLOW_LE_US } from '../../contracts/index.ts';

interface Ladder {
  /** SQL: the lower bound of the bucket whose key is `k`. */
  lower(k: string): string;
  /** SQL: the upper bound of the bucket whose key is `k` (= lower for an open-ended bucket). */
  upper(k: string): string;
}

const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;

/** LATENCY HISTOGRAM buckets: keys are bucket numbers 0–20 (contracts/latency-buckets.ts). */
export const COMMAND_LADDER: Ladder = {
  lower: (k) => `if(${k} = 0, 0, arrayElement(${list(BUCKET_UPPER_US)}, ${k}))`,
  upper: (k) => `arrayElement(${list(BUCKET_UPPER_US)}, ${k} + 1)`,
};

/** PING probe buckets: keys are upper bounds in µs (two per power of two, then overflow). */
export const PROBE_LADDER: Ladder = {
  lower: (k) =>
    `${list([0, ...PROBE_BUCKET_UPPER_US])}[indexOf(${list([...PROBE_BUCKET_UPPER_US, PROBE_OVERFLOW_LE_US])}, ${k})]`,
  upper: (k) => `if(${k} = ${PROBE_OVERFLOW_LE_US}, ${PROBE_LADDER.lower(k)}, ${k})`,
};

/**
 * The q-quantile (µs) of a sumMap result `h` (a tuple of ascending keys and their counts),
 * NULL when it holds no calls.
 */
export function histogramQuantileSql(q: number, h: string, ladder: Ladder = COMMAND_LADDER): string {
  if (!(q > 0 && q <= 1)) throw new Error(`quantile out of range: ${q}`);
  // arrayElement rather than x[i]: 18.16 cannot parse an index after a tuple element (h.1[i]).
  const counts = `tupleElement(${h}, 2)`;
  const total = `arraySum(${counts})`;
  const cumulative = `arrayCumSum(${counts})`;
  const i = `arrayFirstIndex(c -> c >= ${q} * ${total}, ${cumulative})`;
  const key = `arrayElement(tupleElement(${h}, 1), ${i})`;
  const below = `if(${i} = 1, 0, arrayElement(${cumulative}, ${i} - 1))`;
  const lower = ladder.lower(key);
  return `if(${total} = 0, NULL, ${lower} + (${ladder.upper(key)} - ${lower}) * (${q} * ${total} - ${below}) / arrayElement(${counts}, ${i}))`;
}

/**
 * As the API: of single calls where the bucket sums hold any (`calls`), else of per-sample
 * means (`means`, servers without LATENCY HISTOGRAM).
 */
export function callQuantileSql(q: number, calls: string, means: string): string {
  return `if(arraySum(tupleElement(${calls}, 2)) > 0, ${histogramQuantileSql(q, calls)}, ${histogramQuantileSql(q, means)})`;
}
