// zlib streams of stored (uncompressed) blocks, for objects written by hand: no zlib setup.

/**
 * `data` as a zlib stream of stored (uncompressed) blocks (RFC 1950 and 1951). Sealed blobs do
 * not compress, and the trees and commits around them are a few hundred bytes: node's zlib
 * spends ~20 µs a call setting itself up, more than these bytes would save (a gc may compress
 * them later); this is a copy and a checksum.
 */
export function zlibStored(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
  const out = Buffer.allocUnsafe(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // deflate, 32 KB window
  out[1] = 0x01; // no dictionary, fastest; (0x78 << 8 | 0x01) is a multiple of 31
  let at = 2;
  for (let b = 0, offset = 0; b < blocks; b++) {
    const length = Math.min(MAX_STORED_BLOCK, data.length - offset);
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00 (stored)
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(length ^ 0xffff, at + 3);
    data.copy(out, at + 5, offset, offset + length);
    at += 5 + length;
    offset += length;
  }
  out.writeUInt32BE(adler32(data), at);
  return out;
}

const MAX_STORED_BLOCK = 0xffff;
/** The most bytes summed before the Adler-32 sums must be reduced, as zlib's NMAX. */
const ADLER_RUN = 5552;

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (let start = 0; start < data.length; start += ADLER_RUN) {
    const end = Math.min(data.length, start + ADLER_RUN);
    for (let i = start; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
