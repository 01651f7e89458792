import { describe, expect, it } from 'vitest';
import { alertEvent, firingGroup, groupOf, resolvedGroup, T0 } from './fixtures.ts';
import { formatDuration, formatTime, messageDoc, plainText } from './message.ts';

describe('chat message content', () => {
  it('a firing alert: severity emoji, cluster and rule in the title; summary, instance, time and hints below', () => {
    const doc = messageDoc(firingGroup());
    expect(doc.title).toBe('🔴 FIRING · failover · prod-a');
    expect(doc.blocks[0]!.heading).toBe('🔴 CRITICAL Master 10.0.0.1:7000 failed over to 10.0.0.2:7001');
    expect(doc.blocks[0]!.facts).toContain('Instance: 10.0.0.1:7000');
    expect(doc.blocks[0]!.facts).toContain('Since: 11-25 12:03:05 UTC');
    expect(doc.blocks[0]!.hints).toEqual([
      'SLOWLOG: KEYS user:* took 2.3 s just before',
      'used_memory at 98% of maxmemory',
    ]);
    expect(doc.links.map((l) => l.label)).toEqual(['Dashboard', 'API']);
  });

  it('a resolved alert says how long it lasted and drops the hints', () => {
    const doc = messageDoc(resolvedGroup());
    expect(doc.title).toBe('✅ RESOLVED · failover · prod-a');
    expect(doc.blocks[0]!.facts).toContain('Resolved: 11-25 12:08:05 UTC after 5m');
    expect(doc.blocks[0]!.hints).toEqual([]);
  });

  it('flapping is said, and a large group is cut with "…and N more"', () => {
    const many = Array.from({ length: 13 }, (_, i) => ({
      event: alertEvent({ fingerprint: `f${i}`, severity: i === 5 ? 'critical' : 'warning' }),
      kind: 'firing' as const,
      firingSinceMs: T0,
      resolvedAtMs: 0,
      flaps: i === 0 ? 4 : 0,
    }));
    const doc = messageDoc(groupOf(many, { alsoFiring: 2 }));
    expect(doc.title).toBe('🔴 FIRING 13 · failover · prod-a');
    expect(doc.blocks).toHaveLength(10);
    expect(doc.blocks[0]!.facts).toContain('Flapping: fired again 4× since the last message');
    expect(doc.notes).toEqual(['…and 3 more', '2 more of this kind still firing']);
  });

  it('plain text keeps every part on its own short line', () => {
    const text = plainText(messageDoc(firingGroup()));
    expect(text.split('\n')[0]).toBe('🔴 FIRING · failover · prod-a');
    expect(text).toContain('  • SLOWLOG: KEYS user:* took 2.3 s just before');
    expect(text).toContain('Dashboard: https://grafana.example/');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThan(320);
  });

  it('durations and times are short', () => {
    expect([45_000, 12 * 60_000, 185 * 60_000, 52 * 3_600_000].map(formatDuration)).toEqual([
      '45s',
      '12m',
      '3h 5m',
      '2d 4h',
    ]);
    expect(formatTime(T0)).toBe('11-25 12:03:05 UTC');
  });
});
