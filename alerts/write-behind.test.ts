import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../common/log.ts';
import type { StateRow } from './store.ts';
import { WriteBehind, type OffsetToCommit, type Records } from './write-behind.ts';

const log = createLogger('test', 'silent');
const state = (fingerprint: string, version: number) => ({ fingerprint, version }) as unknown as StateRow;
const offset = (partition: number, o: string, generation = 1): OffsetToCommit => ({
  topic: 't',
  partition,
  offset: o,
  generation,
});

/** A store that fails while `down` is true and records every successful write. */
function store() {
  const s = {
    down: false,
    writes: [] as Records[],
    commits: [] as OffsetToCommit[][],
    queue: null as unknown as WriteBehind,
  };
  s.queue = new WriteBehind({
    name: 'test',
    policy: { initialMs: 5, maxMs: 20 },
    log,
    write: async (r) => {
      if (s.down) throw new Error('Timeout error');
      s.writes.push(r);
    },
    commit: async (o) => void s.commits.push(o),
  });
  return s;
}

describe('write-behind alert records', () => {
  it('enqueueing never waits: while the store is down rows pile up, then land in one merged write, and offsets commit only after', async () => {
    const s = store();
    s.down = true;
    s.queue.enqueue({ states: [state('a', 1)], history: [] }, offset(0, '11'));
    s.queue.enqueue({ states: [state('a', 2), state('b', 1)] }, offset(0, '15'));
    s.queue.enqueue({ deliveries: [] }, offset(1, '3'));
    await sleep(50);
    expect(s.writes).toEqual([]);
    expect(s.commits).toEqual([]);
    expect(s.queue.pending).toBeGreaterThan(0);
    s.down = false;
    expect(await s.queue.drain(2000)).toBe(true);
    const rows = s.writes.flatMap((w) => w.states.map((x) => `${x.fingerprint}@${x.version}`));
    // The first write may have been in flight alone; what matters: every row landed, the newest version last.
    expect(rows.at(-1)).toBe('b@1');
    expect(rows).toContain('a@2');
    // Each offset after the write that held its rows: partition 0 ends at 15, never beyond what is stored.
    const p0 = s.commits
      .flat()
      .filter((o) => o.partition === 0)
      .map((o) => Number(o.offset));
    expect(p0.at(-1)).toBe(15);
    expect([...p0].sort((a, b) => a - b)).toEqual(p0);
    expect(s.commits.flat().some((o) => o.partition === 1 && o.offset === '3')).toBe(true);
  });

  it('states are merged to the highest version per fingerprint in one write', async () => {
    const s = store();
    s.down = true;
    s.queue.enqueue({ states: [state('a', 1)] });
    await sleep(20); // first write in flight and failing
    s.queue.enqueue({ states: [state('a', 3), state('a', 2)] });
    s.down = false;
    await s.queue.drain(2000);
    expect(s.writes.at(-1)!.states.map((x) => x.version)).toEqual([3]);
  });

  it('a stop leaves what is queued uncommitted (replayed from Kafka at the next start)', async () => {
    const s = store();
    s.down = true;
    s.queue.enqueue({ states: [state('a', 1)] }, offset(0, '7'));
    expect(await s.queue.drain(30)).toBe(false);
    s.queue.stop();
    s.down = false;
    await sleep(50);
    expect(s.commits).toEqual([]);
  });
});
