// Which receiver an alert goes to: the first route whose every `match` field equals the
// alert's. Pure; the config check has already made sure every route names a receiver.
import type { AlertEventV1 } from '../contracts/index.ts';
import type { RouteConfig } from '../common/config-alerts.ts';

export function routeFor(
  routes: readonly RouteConfig[],
  event: Pick<AlertEventV1, 'rule' | 'severity' | 'cluster'>,
): string | null {
  for (const route of routes) {
    const m = route.match;
    if (m.rule !== undefined && m.rule !== event.rule) continue;
    if (m.severity !== undefined && m.severity !== event.severity) continue;
    if (m.cluster !== undefined && m.cluster !== event.cluster) continue;
    return route.receiver;
  }
  return null;
}
