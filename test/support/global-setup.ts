// Starts the real local stack (Redis Cluster, Kafka, ClickHouse) before any test, or
// reuses the one already running. Stops only what it started, and only on CI, so a
// developer's running stack stays up between test runs.
import { stackDown, stackUp } from '../../stack/index.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const { started } = await stackUp({ log: (line) => console.log(`[stack] ${line}`) });
  return async () => {
    if (process.env.CI && started.length > 0) await stackDown({ log: () => undefined });
  };
}
