// Starts the real local stack (Redis Cluster, Kafka, ClickHouse) before any test, or
// reuses the one already running. Stops only what it started, and only on CI, so a
// developer's running stack stays up between test runs. Builds the dashboards' Go checker
// meanwhile: on a fresh machine that takes minutes, longer than a test may.
import { buildCheckerAsync } from '../../dashboards/check/index.ts';
import { stackDown, stackUp } from '../../stack/index.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  // Settled into a value at once, so a failed build is not an unhandled rejection meanwhile.
  const checker = buildCheckerAsync().then(
    () => console.log(`[dashboards] Go checker built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`),
    (err: unknown) => err,
  );
  const { started } = await stackUp({ log: (line) => console.log(`[stack] ${line}`) });
  const failed = await checker;
  if (failed) throw failed;
  return async () => {
    if (process.env.CI && started.length > 0) await stackDown({ log: () => undefined });
  };
}
