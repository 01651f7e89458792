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
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xd9:
        return this.str(this.uint(1));
      case 0xc5:
      case 0xda:
        return this.str(this.uint(2));
      case 0xc6:
      case 0xdb:
        return this.str(this.uint(4));
      case 0xca:
        return this.buf.readFloatBE(this.advance(4));
      case 0xcb:
        return this.buf.readDoubleBE(this.advance(8));
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return Number(this.buf.readBigUInt64BE(this.advance(8)));
      case 0xd0:
        return this.buf.readInt8(this.advance(1));
      case 0xd1:
        return this.buf.readInt16BE(this.advance(2));
      case 0xd2:
        return this.buf.readInt32BE(this.advance(4));
      case 0xd3:
        return Number(this.buf.readBigInt64BE(this.advance(8)));
      default:
        throw new MsgpackError(`unsupported type byte 0x${b.toString(16)} at ${this.pos - 1}`);
    }
  }

  /** Reads one integer or float (the hot path of a scan: fixints first). */
  number(): number {
    const b = this.buf[this.pos];
    if (b !== undefined && b <= 0x7f) {
      this.pos++;
      return b;
    }
    const v = this.value();
    if (typeof v !== 'number')
      throw new MsgpackError(`expected a number before byte ${this.pos}, got ${JSON.stringify(v)}`);
    return v;
  }

  /** Reads one string (key names); numbers and nil are not accepted. */
  string(): string {
    const b = this.byte();
    if (b >= 0xa0 && b <= 0xbf) return this.str(b & 0x1f);
    this.pos--;
    const v = this.value();
    if (typeof v !== 'string')
      throw new MsgpackError(`expected a string before byte ${this.pos}, got ${JSON.stringify(v)}`);
    return v;
  }

  private byte(): number {
    if (this.pos >= this.buf.length) throw new MsgpackError('unexpected end of data');
    return this.buf[this.pos++]!;
  }

  private uint(bytes: 1 | 2 | 4): number {
    const at = this.advance(bytes);
    const buf = this.buf;
    if (bytes === 1) return buf[at]!;
    if (bytes === 2) return (buf[at]! << 8) | buf[at + 1]!;
    return buf.readUInt32BE(at);
  }

  private str(len: number): string {
    const at = this.advance(len);
    return this.buf.toString('utf8', at, at + len);
  }

  /** Moves past `len` bytes; returns where they start. */
  private advance(len: number): number {
    const at = this.pos;
    if (at + len > this.buf.length) throw new MsgpackError('unexpected end of data');
    this.pos = at + len;
    return at;
  }
}
