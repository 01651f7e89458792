// A minimal MessagePack reader for what Redis's Lua `cmsgpack.pack` produces from a flat
// array of strings and integers. The scan script packs each batch into one bulk string
// because parsing one 5,000-element RESP array per batch costs the collector (and so a
// shared 2-core host) more than twice as long as reading this buffer.

export class MsgpackError extends Error {
  override name = 'MsgpackError';
}

export class MsgpackReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Reads an array header; returns its length. */
  arrayLength(): number {
    const b = this.byte();
    if (b >= 0x90 && b <= 0x9f) return b & 0x0f;
    if (b === 0xdc) return this.uint(2);
    if (b === 0xdd) return this.uint(4);
    // cmsgpack packs an empty Lua table as an empty map.
    if (b === 0x80) return 0;
    throw new MsgpackError(`expected an array at byte ${this.pos - 1}, found 0x${b.toString(16)}`);
  }

  /** Reads one string, integer, float, boolean or nil. */
  value(): string | number | boolean | null {
    const b = this.byte();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0xa0 && b <= 0xbf) return this.str(b & 0x1f);
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: case 0xd9: return this.str(this.uint(1));
      case 0xc5: case 0xda: return this.str(this.uint(2));
      case 0xc6: case 0xdb: return this.str(this.uint(4));
      case 0xca: return this.take(4, (o) => this.buf.readFloatBE(o));
      case 0xcb: return this.take(8, (o) => this.buf.readDoubleBE(o));
      case 0xcc: return this.uint(1);
      case 0xcd: return this.uint(2);
      case 0xce: return this.uint(4);
      case 0xcf: return this.take(8, (o) => Number(this.buf.readBigUInt64BE(o)));
      case 0xd0: return this.take(1, (o) => this.buf.readInt8(o));
      case 0xd1: return this.take(2, (o) => this.buf.readInt16BE(o));
      case 0xd2: return this.take(4, (o) => this.buf.readInt32BE(o));
      case 0xd3: return this.take(8, (o) => Number(this.buf.readBigInt64BE(o)));
      default: throw new MsgpackError(`unsupported type byte 0x${b.toString(16)} at ${this.pos - 1}`);
    }
  }

  number(): number {
    const v = this.value();
    if (typeof v !== 'number') throw new MsgpackError(`expected a number before byte ${this.pos}, got ${JSON.stringify(v)}`);
    return v;
  }

  private byte(): number {
    if (this.pos >= this.buf.length) throw new MsgpackError('unexpected end of data');
    return this.buf[this.pos++]!;
  }

  private uint(bytes: 1 | 2 | 4): number {
    return this.take(bytes, (o) => this.buf.readUIntBE(o, bytes));
  }

  private str(len: number): string {
    return this.take(len, (o) => this.buf.toString('utf8', o, o + len));
  }

  private take<T>(len: number, read: (offset: number) => T): T {
    if (this.pos + len > this.buf.length) throw new MsgpackError('unexpected end of data');
    const v = read(this.pos);
    this.pos += len;
    return v;
  }
}
