// The bytes of one JSON text gathered chunk by chunk (a transcript line, a hook payload), in
// memory bounded by what is kept rather than by what comes in.
//
// Rules: a text up to LONG_JSON_BYTES is kept as it came. Past that, each string in it longer
// than KEEP_WHOLE bytes keeps its first KEEP_HEAD and last KEEP_TAIL bytes around the marker of
// output-cap.ts, and its middle is never held; everything outside strings is kept. A cut falls
// between characters, never inside an escape or a UTF-8 sequence, so JSON stays JSON; and, as
// capText's do, after a line break or a space when there is one near. Bytes that are not JSON
// pass through, cut or not, and fail to parse as they would have.

import { open } from 'node:fs/promises';
import { KEEP_HEAD, KEEP_TAIL, KEEP_WHOLE, leftOutMarker, SNAP_TO_SPACE } from '../model/output-cap.js';

/** Up to this size a JSON text is kept whole: parsing it costs a few copies, which is cheap. */
export const LONG_JSON_BYTES = 8 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LETTER_U = 0x75;
const LETTER_N = 0x6e;
const LETTER_T = 0x74;
const SPACE = 0x20;
const QUOTE_BYTES = Buffer.from('"');
const EMPTY = Buffer.alloc(0);
/** Kept before a string's tail, so that a cut there can see the escape it might fall inside. */
const TAIL_SLACK = 2 * 1024;
const TAIL_WINDOW = KEEP_TAIL + TAIL_SLACK;

const READ_CHUNK = 1 << 20;

/** A whole file of JSON as text, read as JsonBytes keeps it. */
export async function readJsonText(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const json = new JsonBytes();
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, json.length);
      if (bytesRead === 0) return json.bytes().toString('utf8');
      json.add(buffer, 0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

export class JsonBytes {
  private parts: Buffer[] = [];
  private size = 0;
  private cutter: StringCutter | null = null;

  /** Bytes added so far. */
  get length(): number {
    return this.size;
  }

  /** Add `chunk[start, end)`. The chunk is copied from, so the caller may reuse it. */
  add(chunk: Buffer, start = 0, end = chunk.length): void {
    if (end <= start) return;
    this.size += end - start;
    if (this.cutter !== null) {
      this.cutter.feed(chunk, start, end);
      return;
    }
    this.parts.push(Buffer.from(chunk.subarray(start, end)));
    if (this.size <= LONG_JSON_BYTES) return;
    const cutter = new StringCutter();
    for (const part of this.parts) cutter.feed(part, 0, part.length);
    this.parts = [];
    this.cutter = cutter;
  }

  /** What is kept: the bytes as they came, or with their long strings cut. */
  bytes(): Buffer {
    if (this.cutter !== null) return this.cutter.finish();
    return this.parts.length === 1 && this.parts[0] !== undefined ? this.parts[0] : Buffer.concat(this.parts, this.size);
  }
}

/** Streams a JSON text through, keeping only the head and tail of its long strings. */
class StringCutter {
  private readonly out: Buffer[] = [];
  private inString = false;
  /** The current string's bytes while it is short enough to keep whole. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Once it is not: its head, and the last bytes seen, which its tail is cut from. */
  private head: Buffer | null = null;
  private window: Buffer[] = [];
  private windowBytes = 0;
  /** The current string's length, raw, and raw less decoded (escapes are longer than their text). */
  private raw = 0;
  private overhead = 0;
  /** Inside an escape: -1 just after its backslash, 1 to 4 hex digits of `\uXXXX` still to come. */
  private escape = 0;
  private hex = 0;

  feed(buf: Buffer, start: number, end: number): void {
    let i = start;
    while (i < end) {
      if (!this.inString) {
        const quote = indexIn(buf, QUOTE, i, end);
        const stop = quote === -1 ? end : quote + 1;
        this.out.push(Buffer.from(buf.subarray(i, stop)));
        this.inString = quote !== -1;
        i = stop;
        continue;
      }
      const close = this.scan(buf, i, end);
      this.content(buf, i, close === -1 ? end : close);
      if (close === -1) return;
      this.closeString();
      i = close + 1;
    }
  }

  finish(): Buffer {
    // Ended inside a string: the text is not JSON, and whatever is returned will not parse.
    if (this.inString) this.out.push(this.head ?? Buffer.concat(this.held, this.heldBytes));
    return Buffer.concat(this.out);
  }

  /** The index of the string's closing quote in buf[from, end), or -1; counts escapes on the way. */
  private scan(buf: Buffer, from: number, end: number): number {
    let i = from;
    let quote = -2;
    while (i < end) {
      if (this.escape !== 0) {
        this.escapeByte(buf[i] ?? 0);
        i += 1;
        continue;
      }
      // An escaped quote is passed over by the escape, so look again only once past it.
      if (quote !== -1 && quote < i) quote = indexIn(buf, QUOTE, i, end);
      const slash = indexIn(buf, BACKSLASH, i, quote === -1 ? end : quote);
      if (slash === -1) return quote;
      this.escape = -1;
      i = slash + 1;
    }
    return -1;
  }

  private escapeByte(byte: number): void {
    if (this.escape === -1) {
      if (byte === LETTER_U) {
        this.escape = 4;
        this.hex = 0;
      } else {
        this.escape = 0;
        this.overhead += 1;
      }
      return;
    }
    this.hex = this.hex * 16 + hexValue(byte);
    this.escape -= 1;
    if (this.escape === 0) this.overhead += 6 - utf8Length(this.hex);
  }

  private content(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.raw += to - from;
    if (this.head !== null) {
      this.keepTail(buf, from, to);
      return;
    }
    this.held.push(Buffer.from(buf.subarray(from, to)));
    this.heldBytes += to - from;
    if (this.heldBytes > KEEP_WHOLE) this.startCutting();
  }

  private startCutting(): void {
    const all = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    // The string's start is a character boundary, so a boundary after it is always found.
    const cut = boundaryAt(all, KEEP_HEAD, true) ?? KEEP_HEAD;
    const from = boundaryAt(all, KEEP_HEAD - SNAP_TO_SPACE, true) ?? cut;
    const headEnd = afterSpace(all, from, cut, 'last') ?? cut;
    this.head = Buffer.from(all.subarray(0, headEnd));
    this.keepTail(all, headEnd, all.length);
  }

  /** Keep the last TAIL_WINDOW bytes of the string seen so far, and no more. */
  private keepTail(buf: Buffer, from: number, to: number): void {
    const keep = Math.max(from, to - TAIL_WINDOW);
    this.window.push(Buffer.from(buf.subarray(keep, to)));
    this.windowBytes += to - keep;
    for (let first = this.window[0]; first !== undefined && this.windowBytes - first.length >= TAIL_WINDOW; first = this.window[0]) {
      this.window.shift();
      this.windowBytes -= first.length;
    }
  }

  private closeString(): void {
    if (this.head === null) {
      this.out.push(...this.held);
    } else {
      const window = Buffer.concat(this.window, this.windowBytes);
      // Where the tail would start cannot be told only after a run of backslashes as long as the
      // slack (never in real output): then no tail is kept, and the marker counts it.
      const cut = boundaryAt(window, window.length - KEEP_TAIL, false);
      const start = cut === null ? null : (afterSpace(window, cut, cut + SNAP_TO_SPACE, 'first') ?? cut);
      const tail = start === null ? EMPTY : window.subarray(start);
      const leftOut = this.raw - this.overhead - decodedLength(this.head) - decodedLength(tail);
      this.out.push(this.head, Buffer.from(JSON.stringify(leftOutMarker(leftOut)).slice(1, -1)), Buffer.from(tail));
    }
    this.out.push(QUOTE_BYTES);
    this.inString = false;
    this.held = [];
    this.heldBytes = 0;
    this.head = null;
    this.window = [];
    this.windowBytes = 0;
    this.raw = 0;
    this.overhead = 0;
  }
}

/** Where `byte` first is in buf[from, to), or -1; never looks past `to`. */
function indexIn(buf: Buffer, byte: number, from: number, to: number): number {
  const at = buf.subarray(from, to).indexOf(byte);
  return at === -1 ? -1 : from + at;
}

/**
 * The first position at or after `at` in a string's raw bytes that starts a character: not
 * inside an escape, an escaped surrogate pair or a UTF-8 sequence. `buf` starts at the string's
 * start when `exact`; otherwise a run of backslashes back to its start cannot be paired: null.
 */
function boundaryAt(buf: Buffer, at: number, exact: boolean): number | null {
  let cut = at;
  // The escape that `at` may be inside starts at most 5 bytes back (`\uXXXX` is 6 long); the
  // first backslash looking back decides: one that starts an escape, or the second of a `\\`.
  for (let p = cut - 1; p >= 0 && p >= cut - 5; p--) {
    if (buf[p] !== BACKSLASH) continue;
    const starts = startsEscape(buf, p, exact);
    if (starts === null) return null;
    if (starts) cut = Math.max(cut, p + (buf[p + 1] === LETTER_U ? 6 : 2));
    break;
  }
  if (cut >= 6 && isSurrogateEscape(buf, cut - 6, 0xd800) && isSurrogateEscape(buf, cut, 0xdc00)) {
    const starts = startsEscape(buf, cut - 6, exact);
    if (starts === null) return null;
    if (starts) cut += 6;
  }
  while (cut < buf.length && ((buf[cut] ?? 0) & 0xc0) === 0x80) cut++;
  return Math.min(cut, buf.length);
}

/** Whether the backslash at `p` starts an escape (it is not the second of a pair); null when that cannot be told. */
function startsEscape(buf: Buffer, p: number, exact: boolean): boolean | null {
  let run = 1;
  while (p - run >= 0 && buf[p - run] === BACKSLASH) run++;
  if (run === p + 1 && !exact) return null;
  return run % 2 === 1;
}

/** Whether buf[p, p + 6) reads `\uXXXX` with XXXX from `first` to the end of its surrogate half. */
function isSurrogateEscape(buf: Buffer, p: number, first: number): boolean {
  if (p + 6 > buf.length || buf[p] !== BACKSLASH || buf[p + 1] !== LETTER_U) return false;
  const unit = Number.parseInt(buf.toString('latin1', p + 2, p + 6), 16);
  return unit >= first && unit < first + 0x400;
}

/**
 * Just past the first or last line break (a `\n` escape) in a string's raw bytes buf[from, to),
 * else the first or last space or tab (` `, `\t`); null when none. Read from `from`, which
 * starts a character.
 */
function afterSpace(buf: Buffer, from: number, to: number, which: 'first' | 'last'): number | null {
  let line: number | null = null;
  let space: number | null = null;
  for (let p = from; p < Math.min(to, buf.length); ) {
    const byte = buf[p];
    if (byte === BACKSLASH) {
      const escaped = buf[p + 1];
      const past = p + 2;
      if (escaped === LETTER_N) {
        if (which === 'first') return past;
        line = past;
      } else if (escaped === LETTER_T && (space === null || which === 'last')) {
        space = past;
      }
      p += escaped === LETTER_U ? 6 : 2;
      continue;
    }
    if (byte === SPACE && (space === null || which === 'last')) space = p + 1;
    p += 1;
  }
  return line ?? space;
}

/** UTF-8 bytes of the text of a string's raw bytes that start and end on characters. */
function decodedLength(raw: Buffer): number {
  let bytes = raw.length;
  for (let i = raw.indexOf(BACKSLASH); i !== -1; ) {
    if (raw[i + 1] === LETTER_U) {
      let unit = 0;
      for (let k = i + 2; k < i + 6; k++) unit = unit * 16 + hexValue(raw[k] ?? 0);
      bytes -= 6 - utf8Length(unit);
      i = raw.indexOf(BACKSLASH, i + 6);
    } else {
      bytes -= 1;
      i = raw.indexOf(BACKSLASH, i + 2);
    }
  }
  return bytes;
}

/** UTF-8 bytes of one UTF-16 unit; a surrogate is half of a 4-byte pair. */
function utf8Length(unit: number): number {
  if (unit < 0x80) return 1;
  if (unit < 0x800) return 2;
  return unit >= 0xd800 && unit <= 0xdfff ? 2 : 3;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return 0;
}
