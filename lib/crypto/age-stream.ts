// age's STREAM payload (c2sp.org/agead): 64 KiB chunks, each sealed with ChaCha20-Poly1305 under
// an 11-byte big-endian counter plus a final-chunk flag. Whole buffers only, so the final chunk is
// known by position: truncation at a chunk boundary, a final flag too early or missing, an empty
// final chunk after others and trailing bytes all fail, as TamperedError.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { TamperedError } from '../errors.js';

const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
const AEAD = 'chacha20-poly1305';

/** Encrypt a whole payload with its 32-byte payload key. */
export function sealPayload(key: Buffer, plaintext: Buffer): Buffer {
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK_BYTES));
  const out = Buffer.allocUnsafe(plaintext.length + count * TAG_BYTES);
  let at = 0;
  for (let index = 0; index < count; index++) {
    const cipher = createCipheriv(AEAD, key, chunkNonce(index, index === count - 1), { authTagLength: TAG_BYTES });
    at += cipher.update(plaintext.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES)).copy(out, at);
    at += cipher.final().copy(out, at);
    at += cipher.getAuthTag().copy(out, at);
  }
  return out;
}

/** Decrypt a whole payload (everything after the nonce); throws TamperedError, never returns a part. */
export function openPayload(key: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length === 0) throw new TamperedError('the payload is missing: the file is truncated');
  const count = Math.ceil(ciphertext.length / SEALED_CHUNK_BYTES);
  const chunks: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const isFinal = index === count - 1;
    const chunk = ciphertext.subarray(index * SEALED_CHUNK_BYTES, (index + 1) * SEALED_CHUNK_BYTES);
    if (isFinal && chunk.length < TAG_BYTES) throw new TamperedError('the payload ends in a partial chunk: truncated, or bytes were added');
    if (isFinal && chunk.length === TAG_BYTES && count > 1) throw new TamperedError('the final chunk is empty, which only an empty payload may have');
    const plaintext = openChunk(key, chunkNonce(index, isFinal), chunk);
    if (plaintext === null) throw chunkFailure(key, index, isFinal, chunk);
    chunks.push(plaintext);
  }
  return chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks);
}

/** Say why a chunk failed: the other flag opening it tells truncation and appending from damage. */
function chunkFailure(key: Buffer, index: number, isFinal: boolean, chunk: Buffer): TamperedError {
  if (openChunk(key, chunkNonce(index, !isFinal), chunk) !== null) {
    return new TamperedError(isFinal ? 'the payload is truncated at a chunk boundary' : 'bytes follow the final chunk');
  }
  return new TamperedError(`payload chunk ${index} fails authentication`);
}

function openChunk(key: Buffer, nonce: Buffer, chunk: Buffer): Buffer | null {
  const decipher = createDecipheriv(AEAD, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(chunk.subarray(chunk.length - TAG_BYTES));
  const plaintext = decipher.update(chunk.subarray(0, chunk.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return null;
  }
  return plaintext;
}

function chunkNonce(index: number, isFinal: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // Bytes 0-10 are the counter; six bytes hold any index a Buffer can reach.
  nonce.writeUIntBE(index, 5, 6);
  nonce[11] = isFinal ? 1 : 0;
  return nonce;
}
