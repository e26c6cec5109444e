// The age v1 header (c2sp.org/age): a version line, one or more stanzas, a MAC line. Parsing is
// as strict as the spec: LF only, printable ASCII, canonical unpadded base64, body lines of 64
// columns ending with a shorter one. Anything else is damage (TamperedError), never repaired:
// a record this code accepted but age(1) refused would be readable here and nowhere else.

import { TamperedError } from '../errors.js';

const VERSION_LINE = 'age-encryption.org/v1';
const VERSION_BYTES = Buffer.from(`${VERSION_LINE}\n`, 'latin1');
const VERSION_PREFIX = 'age-encryption.org/';
const ARMOR_LINE = '-----BEGIN AGE ENCRYPTED FILE-----';
const BODY_COLUMNS = 64;
const BODY_LINE_BYTES = 48;
const MAC_BYTES = 32;
const LF = 0x0a;

/** One recipient stanza: `-> type args…` and its body. */
export interface Stanza {
  readonly type: string;
  readonly args: readonly string[];
  readonly body: Buffer;
}

export interface ParsedHeader {
  readonly stanzas: readonly Stanza[];
  /** What the MAC covers: the header from its first byte up to and including `---`. */
  readonly macInput: Buffer;
  readonly mac: Buffer;
  /** Offset of the payload (its 16-byte nonce first). */
  readonly end: number;
}

/** Canonical unpadded base64 (RFC 4648 §3.5), as age requires. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/** Decode canonical unpadded base64; null for padding, whitespace, other alphabets or stray bits. */
export function decodeBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  // Node decodes leniently; re-encoding gives the one canonical form, so any difference is a
  // non-canonical (malleable) encoding.
  return encodeBase64(bytes) === text ? bytes : null;
}

/** The header up to and including `---`: what the MAC is computed over. */
export function encodeHeaderNoMac(stanzas: readonly Stanza[]): string {
  let out = `${VERSION_LINE}\n`;
  for (const stanza of stanzas) {
    out += `-> ${[stanza.type, ...stanza.args].join(' ')}\n`;
    const body = encodeBase64(stanza.body);
    for (let at = 0; at < body.length; at += BODY_COLUMNS) out += `${body.slice(at, at + BODY_COLUMNS)}\n`;
    // A body always ends with a short line, so one that fills its last line gets an empty one.
    if (body.length % BODY_COLUMNS === 0) out += '\n';
  }
  return `${out}---`;
}

/** Parse the header at the start of `file`; throws TamperedError for any deviation. */
export function parseHeader(file: Buffer): ParsedHeader {
  if (!file.subarray(0, VERSION_BYTES.length).equals(VERSION_BYTES)) throw notVersionOne(file);
  const lines = new LineReader(file, VERSION_BYTES.length);
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = lines.offset;
    const line = lines.next();
    if (line.startsWith('---')) {
      if (stanzas.length === 0) throw damaged('the header has no recipient stanza');
      const mac = line.startsWith('--- ') ? decodeBase64(line.slice(4)) : null;
      if (mac === null || mac.length !== MAC_BYTES) throw damaged('the header MAC line is malformed');
      return { stanzas, macInput: file.subarray(0, start + 3), mac, end: lines.offset };
    }
    stanzas.push(readStanza(line, lines));
  }
}

function readStanza(argsLine: string, lines: LineReader): Stanza {
  if (!argsLine.startsWith('-> ')) throw damaged('the header has a line that is neither a stanza nor its MAC');
  // Lines are printable ASCII already, so splitting on spaces leaves VCHAR-only arguments.
  const [type = '', ...args] = argsLine.slice(3).split(' ');
  if (type === '' || args.includes('')) throw damaged('a stanza has an empty argument');
  const parts: Buffer[] = [];
  for (;;) {
    const bytes = decodeBase64(lines.next());
    if (bytes === null || bytes.length > BODY_LINE_BYTES) throw damaged(`the body of a '${type}' stanza is not canonical base64 in 64-column lines`);
    parts.push(bytes);
    if (bytes.length < BODY_LINE_BYTES) return { type, args, body: parts.length === 1 ? bytes : Buffer.concat(parts) };
  }
}

/** Reads LF-terminated lines of printable ASCII; a missing LF means the header was cut short. */
class LineReader {
  constructor(
    private readonly file: Buffer,
    public offset: number,
  ) {}

  next(): string {
    const end = this.file.indexOf(LF, this.offset);
    if (end < 0) throw damaged('the header is truncated');
    for (let at = this.offset; at < end; at++) {
      const byte = this.file[at] ?? 0;
      if (byte < 0x20 || byte > 0x7e) throw damaged('the header holds a byte that is not printable ASCII');
    }
    const line = this.file.toString('latin1', this.offset, end);
    this.offset = end + 1;
    return line;
  }
}

function notVersionOne(file: Buffer): TamperedError {
  if (file.length === 0) return damaged('the file is empty');
  const start = file.toString('latin1', 0, 64);
  if (start.startsWith(ARMOR_LINE)) return damaged('it is ASCII-armored age; only binary age is read here');
  if (`${VERSION_LINE}\n`.startsWith(start)) return damaged('the header is truncated');
  if (start.startsWith(VERSION_PREFIX)) return damaged(`unsupported age version ${JSON.stringify(start.slice(VERSION_PREFIX.length).split('\n')[0])}`);
  return damaged('it is not an age file');
}

function damaged(message: string): TamperedError {
  return new TamperedError(message);
}
