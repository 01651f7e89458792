import { describe, expect, it } from 'vitest';
import { MsgpackError, MsgpackReader } from './msgpack.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('MsgpackReader', () => {
  it('reads a fixarray of fixstr, positive and negative fixints', () => {
    const r = new MsgpackReader(hex('93 a3 6b 3a 31 05 ff'));
    expect(r.arrayLength()).toBe(3);
    expect([r.value(), r.value(), r.value()]).toEqual(['k:1', 5, -1]);
    expect(r.done).toBe(true);
  });

  it('reads array16, raw16 strings and wide integers as cmsgpack writes them', () => {
    const r = new MsgpackReader(
      hex('dc 00 05 da 00 02 68 69 cd 01 00 ce 00 01 00 00 d0 fe d3 ff ff ff ff ff ff ff fe'),
    );
    expect(r.arrayLength()).toBe(5);
    expect([r.value(), r.number(), r.number(), r.number(), r.number()]).toEqual(['hi', 256, 65536, -2, -2]);
  });

  it('reads doubles, nil and booleans, and an empty table packed as a map', () => {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(1.5, 1);
    expect(new MsgpackReader(b).value()).toBe(1.5);
    expect(new MsgpackReader(hex('c0')).value()).toBeNull();
    expect(new MsgpackReader(hex('c3')).value()).toBe(true);
    expect(new MsgpackReader(hex('80')).arrayLength()).toBe(0);
  });

  it('decodes UTF-8 key names', () => {
    const name = Buffer.from('ключ:1');
    const r = new MsgpackReader(Buffer.concat([Buffer.from([0xa0 | name.length]), name]));
    expect(r.value()).toBe('ключ:1');
  });

  it('fails with a message on truncated or unsupported input', () => {
    expect(() => new MsgpackReader(hex('a5 61')).value()).toThrow(MsgpackError);
    expect(() => new MsgpackReader(hex('c7 00')).value()).toThrow(/unsupported type byte 0xc7/);
    expect(() => new MsgpackReader(hex('a1 61')).number()).toThrow(/expected a number/);
  });
});
