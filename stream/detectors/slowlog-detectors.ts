// Slowlog detectors: a storm of slow commands on one instance, and long-blocking
// commands (KEYS, FLUSHALL, SAVE, O(N) commands on big keys…) that stall a master — the
// classic cause of needless failovers. Both resolve after a quiet period. A blocking
// command is an event (lifecycle `event`): announced at once, even if its quiet period
// ended before the message went out.
import { TOPICS, type SlowlogSampleV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { alertEvent } from './events.ts';

export interface SlowlogStormState {
  /** Unix ms of recent slow entries (last minute). */
  recent: number[];
  firingSince: number | null;
  lastSeen: number;
}

export const slowlogStormDetector: Detector<SlowlogSampleV1, SlowlogStormState> = {
  name: 'slowlog-storm',
  topics: [TOPICS.slowlog],
  enabled: (s) => s.slowlogStorm.enabled,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const cfg = ctx.settings.slowlogStorm;
    const now = ctx.now;
    const recent = [...(state?.recent ?? []), ...m.entries.map((e) => e.loggedAtS * 1000)]
      .filter((t) => t >= now - 60_000)
      .slice(-10_000);
    const lastSeen = m.entries.length > 0 ? now : (state?.lastSeen ?? 0);
    const base = {
      rule: 'slowlog-storm' as const,
      severity: 'warning' as const,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      subject: [m.instance.id],
      ts: now,
    };
    if (!state?.firingSince && recent.length >= cfg.entriesPerMinute) {
      const byCommand = new Map<string, number>();
      for (const e of m.entries) byCommand.set(e.command, (byCommand.get(e.command) ?? 0) + 1);
      const top = [...byCommand]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([c, n]) => `${c.toUpperCase()} ×${n}`);
      return {
        state: { recent, firingSince: now, lastSeen },
        events: [
          alertEvent({
            ...base,
            status: 'firing',
            summary: `${recent.length} slow commands in a minute on ${m.instance.id}`,
            details: `slowest commands just now: ${top.join(', ') || 'n/a'}`,
          }),
        ],
      };
    }
    if (state?.firingSince && recent.length < cfg.entriesPerMinute && now - lastSeen >= cfg.quietMs) {
      return {
        state: { recent, firingSince: null, lastSeen },
        events: [
          alertEvent({
            ...base,
            status: 'resolved',
            summary: `slow commands on ${m.instance.id} back to normal`,
            details: '',
          }),
        ],
      };
    }
    return { state: { recent, firingSince: state?.firingSince ?? null, lastSeen }, events: [] };
  },
};

export interface BlockingState {
  /** Per command: when it was last seen blocking, while its alert fires. */
  firing: Record<string, number>;
}

export const blockingCommandDetector: Detector<SlowlogSampleV1, BlockingState> = {
  name: 'blocking-command',
  topics: [TOPICS.slowlog],
  enabled: (s) => s.blockingCommands.enabled,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const cfg = ctx.settings.blockingCommands;
    const watched = new Set(cfg.commands.map((c) => c.toLowerCase()));
    const firing = { ...(state?.firing ?? {}) };
    const events = [];
    for (const e of m.entries) {
      if (!watched.has(e.command) || e.durationUs < cfg.minDurationUs) continue;
      const isNew = firing[e.command] === undefined;
      firing[e.command] = ctx.now;
      if (!isNew) continue;
      events.push(
        alertEvent({
          rule: 'blocking-command' as const,
          status: 'firing',
          severity: 'warning',
          lifecycle: 'event',
          cluster: m.instance.cluster,
          instance: m.instance.id,
          subject: [m.instance.id, e.command],
          ts: ctx.now,
          summary: `${e.command.toUpperCase()} blocked ${m.instance.id} for ${(e.durationUs / 1000).toFixed(0)} ms`,
          details: [
            `${e.command.toUpperCase()} ${e.args.join(' ')}`.trim(),
            `client ${e.clientAddr || '?'}${e.clientName ? ` (${e.clientName})` : ''}`,
            `logged at ${new Date(e.loggedAtS * 1000).toISOString()}`,
          ].join('\n'),
          labels: { command: e.command, client: e.clientName || e.clientAddr },
          hints: [
            'A master blocked longer than cluster-node-timeout is failed over. Rename or deny this command (ACL), or use SCAN / UNLINK / smaller keys.',
          ],
        }),
      );
    }
    for (const [command, last] of Object.entries(firing)) {
      if (ctx.now - last < cfg.quietMs) continue;
      delete firing[command];
      events.push(
        alertEvent({
          rule: 'blocking-command' as const,
          status: 'resolved',
          severity: 'warning',
          lifecycle: 'event',
          cluster: m.instance.cluster,
          instance: m.instance.id,
          subject: [m.instance.id, command],
          ts: ctx.now,
          summary: `no ${command.toUpperCase()} blocking ${m.instance.id} for ${Math.round(cfg.quietMs / 60_000)} min`,
          details: '',
        }),
      );
    }
    return { state: { firing }, events };
  },
};
