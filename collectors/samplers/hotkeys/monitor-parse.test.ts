import { describe, expect, it } from 'vitest';
import { keysOfCommand, parseMonitorLine } from './monitor-parse.ts';

describe('parseMonitorLine', () => {
  it('reads time, database, source and arguments', () => {
    expect(parseMonitorLine('+1339518083.107412 [0 127.0.0.1:60866] "set" "user:1" "v"')).toEqual({
      tsMs: 1339518083107,
      db: 0,
      source: '127.0.0.1:60866',
      args: ['set', 'user:1', 'v'],
    });
  });

  it('reads commands run by scripts', () => {
    expect(parseMonitorLine('+1700000000.000001 [3 lua] "get" "k"')).toMatchObject({
      db: 3,
      source: 'lua',
      args: ['get', 'k'],
    });
  });

  it('unescapes quotes, backslashes, control characters and hex bytes', () => {
    const e = parseMonitorLine('+1.5 [0 unix:/tmp/r.sock] "set" "a\\"b\\\\c" "x\\ny\\x01"');
    expect(e?.args).toEqual(['set', 'a"b\\c', 'x\ny\x01']);
  });

  it('keeps empty arguments and rejects lines that are not MONITOR output', () => {
    expect(parseMonitorLine('+1.0 [0 lua] "set" "" "v"')?.args).toEqual(['set', '', 'v']);
    expect(parseMonitorLine('+OK')).toBeNull();
    expect(parseMonitorLine('+1.0 [0 lua] "unterminated')).toBeNull();
  });
});

describe('keysOfCommand', () => {
  it.each([
    [['GET', 'k'], ['k']],
    [['hset', 'h', 'f', 'v'], ['h']],
    [
      ['mget', 'a', 'b'],
      ['a', 'b'],
    ],
    [
      ['mset', 'a', '1', 'b', '2'],
      ['a', 'b'],
    ],
    [
      ['evalsha', 'abc', '2', 'k1', 'k2', 'arg'],
      ['k1', 'k2'],
    ],
    [['eval', 'return 1', '0'], []],
    [['memory', 'usage', 'k'], ['k']],
    [['ping'], []],
    [['info', 'all'], []],
    [['publish', 'chan', 'msg'], []],
    [['client', 'setname', 'x'], []],
  ])('%j → %j', (args, keys) => {
    expect(keysOfCommand(args)).toEqual(keys);
  });
});
