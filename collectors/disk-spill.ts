// Samples that do not fit in memory while Kafka is unreachable, kept on local disk in
// order. Segment files `<seq>.jsonl` hold one `[topic, key, value]` JSON array per line;
// the newest segment is appended to, the oldest is read back, and a `<seq>.pos` file next
// to it records how many of its lines Kafka has acknowledged — so a collector restarted
// mid-replay neither loses nor re-sends what was already delivered.
//
// Bounded by `maxBytes`: past it the oldest segment is deleted and its unsent messages
// are counted as dropped (drop-oldest, like the in-memory queue). Writes are not fsynced:
// the spill survives a crashed or restarted collector (the page cache outlives the
// process), not a power loss of the host.
import { mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/log.ts';
import { errorMessage } from '../common/errors.ts';
import type { OutgoingMessage } from './delivery-buffer.ts';

export interface DiskSpillOptions {
  dir: string;
  maxBytes: number;
}

interface Segment {
  seq: number;
  bytes: number;
  /** Lines in the file, and how many of them Kafka has acknowledged. */
  lines: number;
  acked: number;
}

const SEGMENT_FILE = /^(\d{12})\.jsonl$/;
const name = (seq: number) => String(seq).padStart(12, '0');
/** Appends count up from here, prepends down, so both have room for ~10^9 segments. */
const FIRST_SEQ = 1_000_000_000;

export class DiskSpill {
  private readonly segments: Segment[] = [];
  /** Unacknowledged messages of the oldest segment, read into memory for sending. */
  private reading: { seq: number; messages: OutgoingMessage[]; lineNumbers: number[] } | null = null;
  /** The newest segment stops taking appends once it is read from or reaches this size. */
  private readonly segmentBytes: number;
  private sealedSeq = FIRST_SEQ - 1;
  dropped = 0;
  corrupt = 0;

  private constructor(
    private readonly opts: DiskSpillOptions,
    private readonly log: Logger,
  ) {
    // At least 8 segments in the bound, so dropping the oldest one drops a small part.
    this.segmentBytes = Math.max(64 * 1024, Math.min(16 * 1024 * 1024, Math.floor(opts.maxBytes / 8)));
  }

  /** Opens (creating it if needed) the spill directory and takes stock of what a previous run left. */
  static async open(opts: DiskSpillOptions, log: Logger): Promise<DiskSpill> {
    const spill = new DiskSpill(opts, log);
    await mkdir(opts.dir, { recursive: true });
    const seqs = (await readdir(opts.dir))
      .map((f) => SEGMENT_FILE.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const seq of seqs) {
      const path = join(opts.dir, `${name(seq)}.jsonl`);
      const content = await readFile(path, 'utf8');
      const lines = countLines(content);
      const acked = Math.min(lines, await readAcked(join(opts.dir, `${name(seq)}.pos`)));
      if (acked >= lines) await spill.remove(seq);
      else spill.segments.push({ seq, bytes: Buffer.byteLength(content), lines, acked });
    }
    // What a previous run left is only read, never appended to: a torn last line stays last.
    spill.sealedSeq = seqs.at(-1) ?? FIRST_SEQ - 1;
    if (spill.messages > 0)
      log.info(
        { dir: opts.dir, messages: spill.messages, bytes: spill.bytes },
        'found samples spilled to disk by a previous run; they are sent first',
      );
    return spill;
  }

  get messages(): number {
    return this.segments.reduce((n, s) => n + this.unsent(s), 0);
  }

  private unsent(s: Segment): number {
    return this.reading?.seq === s.seq ? this.reading.messages.length : s.lines - s.acked;
  }

  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /** Appends messages (newer than everything already spilled). Throws on a write error. */
  async append(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const data = encode(messages);
    let tail = this.segments.at(-1);
    if (!tail || tail.seq <= this.sealedSeq || tail.bytes >= this.segmentBytes) {
      tail = { seq: Math.max(this.sealedSeq, tail?.seq ?? FIRST_SEQ - 1) + 1, bytes: 0, lines: 0, acked: 0 };
      this.segments.push(tail);
    }
    const file = await open(join(this.opts.dir, `${name(tail.seq)}.jsonl`), 'a');
    try {
      await file.write(data);
    } catch (err) {
      // A half-written chunk (disk full) is cut off again: the caller keeps these messages.
      await file.truncate(tail.bytes).catch(() => {});
      throw err;
    } finally {
      await file.close();
    }
    tail.bytes += Buffer.byteLength(data);
    tail.lines += messages.length;
    await this.enforceBound();
  }

  /**
   * Writes messages ahead of everything spilled: a batch that was in flight from memory
   * while newer samples overflowed to disk, and then failed. Throws on a write error.
   */
  async prepend(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const seq = (this.segments[0]?.seq ?? this.sealedSeq + 1) - 1;
    if (seq < 0) throw new Error('spill segment numbers exhausted');
    const data = encode(messages);
    await writeFile(join(this.opts.dir, `${name(seq)}.jsonl`), data);
    this.segments.unshift({ seq, bytes: Buffer.byteLength(data), lines: messages.length, acked: 0 });
    this.sealedSeq = Math.max(this.sealedSeq, seq);
    await this.enforceBound();
  }

  /** The oldest unacknowledged messages (up to `max` and `maxBytes` of values), left in place until `ack`. */
  async peek(max: number, maxBytes: number): Promise<OutgoingMessage[]> {
    const oldest = this.segments[0];
    if (!oldest) return [];
    if (this.reading?.seq !== oldest.seq) {
      // The segment read from takes no more appends, so what is read is all there is.
      this.sealedSeq = Math.max(this.sealedSeq, oldest.seq);
      this.reading = { seq: oldest.seq, ...(await this.load(oldest)) };
      if (this.reading.messages.length === 0) {
        await this.remove(oldest.seq);
        return this.peek(max, maxBytes);
      }
    }
    const out: OutgoingMessage[] = [];
    let bytes = 0;
    for (const m of this.reading.messages) {
      if (out.length >= max || (out.length > 0 && bytes + m.value.length > maxBytes)) break;
      out.push(m);
      bytes += m.value.length;
    }
    return out;
  }

  /** Kafka acknowledged the first `n` messages returned by `peek`. */
  async ack(n: number): Promise<void> {
    const oldest = this.segments[0];
    if (!oldest || !this.reading || this.reading.seq !== oldest.seq) return;
    const done = Math.min(n, this.reading.messages.length);
    if (done === 0) return;
    // Acknowledged up to the line of the last sent message (unreadable lines before it included).
    oldest.acked = this.reading.lineNumbers[done - 1]! + 1;
    this.reading.messages.splice(0, done);
    this.reading.lineNumbers.splice(0, done);
    if (this.reading.messages.length === 0) await this.remove(oldest.seq);
    else await writeAtomically(join(this.opts.dir, `${name(oldest.seq)}.pos`), String(oldest.acked));
  }

  private async load(segment: Segment): Promise<{ messages: OutgoingMessage[]; lineNumbers: number[] }> {
    const content = await readFile(join(this.opts.dir, `${name(segment.seq)}.jsonl`), 'utf8');
    const lines = content.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const messages: OutgoingMessage[] = [];
    const lineNumbers: number[] = [];
    let bad = 0;
    for (let i = segment.acked; i < lines.length; i++) {
      const m = parseLine(lines[i]!);
      if (m) {
        messages.push(m);
        lineNumbers.push(i);
      } else bad++;
    }
    if (bad > 0) {
      // A torn last line after a crash, or a damaged file: those lines are lost, the rest is sent.
      this.corrupt += bad;
      this.log.warn(
        { segment: `${name(segment.seq)}.jsonl`, unreadableLines: bad },
        'spill segment has unreadable lines; skipping them',
      );
    }
    segment.lines = lines.length;
    if (messages.length === 0) segment.acked = segment.lines;
    return { messages, lineNumbers };
  }

  private async enforceBound(): Promise<void> {
    while (this.segments.length > 1 && this.bytes > this.opts.maxBytes) {
      const oldest = this.segments[0]!;
      const unsent = this.unsent(oldest);
      this.dropped += unsent;
      this.log.warn(
        { dir: this.opts.dir, maxBytes: this.opts.maxBytes, dropped: unsent },
        'spill is full; dropping its oldest samples',
      );
      await this.remove(oldest.seq);
    }
  }

  private async remove(seq: number): Promise<void> {
    const i = this.segments.findIndex((s) => s.seq === seq);
    if (i >= 0) this.segments.splice(i, 1);
    if (this.reading?.seq === seq) this.reading = null;
    for (const f of [`${name(seq)}.jsonl`, `${name(seq)}.pos`]) {
      await unlink(join(this.opts.dir, f)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') this.log.warn({ file: f, err: errorMessage(err) }, 'could not delete a spill file');
      });
    }
  }
}

function encode(messages: readonly OutgoingMessage[]): string {
  return `${messages.map((m) => JSON.stringify([m.topic, m.key, m.value])).join('\n')}\n`;
}

function parseLine(line: string): OutgoingMessage | null {
  try {
    const v: unknown = JSON.parse(line);
    if (Array.isArray(v) && v.length === 3) {
      const [topic, key, value] = v as unknown[];
      if (typeof topic === 'string' && typeof key === 'string' && typeof value === 'string')
        return { topic, key, value };
    }
  } catch {
    // fall through: unreadable
  }
  return null;
}

function countLines(content: string): number {
  let n = 0;
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) n++;
  // A last line without its newline was torn by a crash; it still counts as a line (unreadable).
  return content.length > 0 && !content.endsWith('\n') ? n + 1 : n;
}

async function readAcked(path: string): Promise<number> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}
