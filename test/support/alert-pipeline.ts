// The whole alert path of one test: collector → Kafka → stream processor → alert manager →
// chat delivery, each consumer group starting where its topics end (what earlier tests
// left in the shared topics is not this test's).
import { startAlerts, type RunningAlerts } from '../../alerts/index.ts';
import { startCollector, type RunningCollector } from '../../collectors/index.ts';
import type { Config } from '../../common/config.ts';
import { SAMPLE_TOPICS, TOPICS } from '../../contracts/index.ts';
import { startStream, type RunningStream } from '../../stream/index.ts';
import { startGroupsAtEnd } from './kafka.ts';
import { quietLog, uniqueName } from './pipeline.ts';

/** `alerts` with failovers routed to a webhook at `chatUrl`, and consumer groups of this test's own. */
export function failoversToChat(alerts: Config['alerts'], chatUrl: string): Config['alerts'] {
  return {
    ...alerts,
    managerGroupId: uniqueName('alerts'),
    deliveryGroupId: uniqueName('delivery'),
    routes: [{ match: { rule: 'failover' }, receiver: 'chat' }],
    receivers: [{ name: 'chat', type: 'webhook', url: chatUrl }],
  };
}

/** Starts the processor, the alert manager and the collector (in that order: nothing sampled is missed). */
export async function startAlertPipeline(
  config: Config,
): Promise<{ stream: RunningStream; alerts: RunningAlerts; collector: RunningCollector }> {
  await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
  await startGroupsAtEnd(config, [config.alerts.managerGroupId], [TOPICS.alerts]);
  await startGroupsAtEnd(config, [config.alerts.deliveryGroupId], [TOPICS.notifications]);
  const stream = await startStream(config, quietLog);
  const alerts = await startAlerts(config, quietLog);
  const collector = await startCollector(config, quietLog);
  return { stream, alerts, collector };
}
