// Bech32 (BIP-173) as age uses it: no length limit, one case throughout (the checksum is over
// the lowercase form), padding bits zero. Only what age keys need; the plain bech32 checksum
// constant, never bech32m. Decoding returns null rather than throwing: callers name the key.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;

export interface Bech32 {
  /** The human-readable part, lowercase. */
  readonly prefix: string;
  readonly bytes: Buffer;
}

/** Encode `bytes` under `prefix`, lowercase (age uppercases secret keys itself). */
export function bech32Encode(prefix: string, bytes: Uint8Array): string {
  const hrp = prefix.toLowerCase();
  const data = toWords(bytes);
  const checksum = createChecksum(hrp, data);
  let out = `${hrp}1`;
  for (const value of [...data, ...checksum]) out += CHARSET.charAt(value);
  return out;
}

/** Decode a bech32 string; null when it is not valid bech32 at all. */
export function bech32Decode(text: string): Bech32 | null {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return null;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + 7 > lower.length) return null;
  const hrp = lower.slice(0, separator);
  for (let i = 0; i < hrp.length; i++) {
    const code = hrp.charCodeAt(i);
    if (code < 33 || code > 126) return null;
  }
  const values: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const value = CHARSET.indexOf(char);
    if (value < 0) return null;
    values.push(value);
  }
  if (polymod([...expandPrefix(hrp), ...values]) !== 1) return null;
  const bytes = fromWords(values.slice(0, -6));
  return bytes === null ? null : { prefix: hrp, bytes: Buffer.from(bytes) };
}

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) checksum ^= GENERATORS[i] ?? 0;
  }
  return checksum;
}

function expandPrefix(hrp: string): number[] {
  const high: number[] = [];
  const low: number[] = [];
  for (let i = 0; i < hrp.length; i++) {
    high.push(hrp.charCodeAt(i) >>> 5);
    low.push(hrp.charCodeAt(i) & 31);
  }
  return [...high, 0, ...low];
}

function createChecksum(hrp: string, data: readonly number[]): number[] {
  const mod = polymod([...expandPrefix(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  return [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
}

/** Bytes to 5-bit words, the last one zero-padded. */
function toWords(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const byte of bytes) {
    accumulator = ((accumulator << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((accumulator >>> bits) & 31);
    }
  }
  if (bits > 0) out.push((accumulator << (5 - bits)) & 31);
  return out;
}

/** 5-bit words to bytes; null when the padding is 5 bits or more, or not all zero (BIP-173). */
function fromWords(words: readonly number[]): number[] | null {
  const out: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const word of words) {
    accumulator = ((accumulator << 5) | word) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((accumulator >>> bits) & 0xff);
    }
  }
  if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
