import { describe, expect, it } from 'vitest';
import { isUnsupported, parseHotkeysGet, parseSlotStats } from './server-hotkeys.ts';

describe('parseHotkeysGet', () => {
  // The shape of Redis 8.6's documented example reply.
  const reply = [
    [
      'tracking-active',
      0,
      'sample-ratio',
      1,
      'selected-slots',
      [],
      'collection-start-time-unix-ms',
      1770824933147,
      'collection-duration-ms',
      1000,
      'total-cpu-time-user-ms',
      23,
      'total-cpu-time-sys-ms',
      7,
      'total-net-bytes',
      2038,
      'by-cpu-time-us',
      ['hotkey_001_counter', 29, 'hotkey_001', 25],
      'by-net-bytes',
      ['hotkey_001', 446, 'user:42', 328],
    ],
  ];

  it('reads the top keys by CPU and by network bytes, with their patterns', () => {
    expect(parseHotkeysGet(reply, 10)).toEqual([
      { key: 'hotkey_001_counter', pattern: 'hotkey_*_counter', metric: 'cpu-us', score: 29 },
      { key: 'hotkey_001', pattern: 'hotkey_*', metric: 'cpu-us', score: 25 },
      { key: 'hotkey_001', pattern: 'hotkey_*', metric: 'net-bytes', score: 446 },
      { key: 'user:42', pattern: 'user:*', metric: 'net-bytes', score: 328 },
    ]);
  });

  it('accepts the map unwrapped or as a RESP3 object, caps each list, and reads a null reply as nothing', () => {
    expect(parseHotkeysGet(reply[0], 1)).toHaveLength(2);
    expect(parseHotkeysGet({ 'by-cpu-time-us': ['k', '5'] }, 10)).toEqual([
      { key: 'k', pattern: 'k', metric: 'cpu-us', score: 5 },
    ]);
    expect(parseHotkeysGet(null, 10)).toEqual([]);
  });
});

describe('parseSlotStats', () => {
  it('reads key counts and, when tracked, CPU and network per slot', () => {
    const reply = [
      [12426, ['key-count', 45, 'cpu-usec', 1200, 'network-bytes-in', 300, 'network-bytes-out', 900]],
      [13902, ['key-count', 20]],
      ['junk'],
    ];
    expect(parseSlotStats(reply)).toEqual([
      { slot: 12426, keyCount: 45, cpuUs: 1200, networkBytesIn: 300, networkBytesOut: 900 },
      { slot: 13902, keyCount: 20 },
    ]);
  });
});

describe('isUnsupported', () => {
  it('recognises the errors of servers without the command', () => {
    expect(isUnsupported(new Error("ERR unknown command 'HOTKEYS', with args beginning with: 'GET'"))).toBe(true);
    expect(isUnsupported(new Error("ERR unknown subcommand 'SLOT-STATS'. Try CLUSTER HELP."))).toBe(true);
    expect(isUnsupported(new Error('ERR This instance has cluster support disabled'))).toBe(true);
    expect(isUnsupported(new Error("READONLY You can't write against a read only replica."))).toBe(false);
  });
});
