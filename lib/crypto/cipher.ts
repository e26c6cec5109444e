// Sealing records: compress, then age-encrypt to every recipient. Opening: decrypt with the
// user's identity, then decompress. Each sealed object costs ~2 ms, so callers seal chunks of a
// session, never single steps.
//
// age-encryption throws plain Errors; this is the one place that tells "not encrypted to you"
// (KeyError) from "damaged or altered" (TamperedError). A test pins the translation.
//
// What this protects: the content of every record, from anyone without a recipient's identity.
// What it does not: the number and size of records, their timestamps and the session ids, which
// travel in plaintext as ref names and object sizes.

import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { Decrypter, Encrypter } from 'age-encryption';
import { CorruptRecordError, KeyError, TamperedError } from '../errors.js';

export class Sealer {
  private readonly encrypter = new Encrypter();

  constructor(readonly recipients: readonly string[]) {
    if (recipients.length === 0) {
      throw new KeyError('no recipients to encrypt to', { hint: "run 'git trace init' to make yourself a recipient of this repository" });
    }
    for (const recipient of recipients) this.encrypter.addRecipient(recipient);
  }

  /** Compress and encrypt. */
  async seal(plaintext: Buffer | string): Promise<Buffer> {
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    return Buffer.from(await this.encrypter.encrypt(compress(bytes)));
  }
}

export class Opener {
  private readonly decrypter = new Decrypter();

  constructor(secretKeys: readonly string[]) {
    for (const key of secretKeys) this.decrypter.addIdentity(key);
  }

  /** Decrypt and decompress; `what` names the record in errors. */
  async open(ciphertext: Buffer, what: string): Promise<Buffer> {
    let compressed: Uint8Array;
    try {
      compressed = await this.decrypter.decrypt(ciphertext);
    } catch (error) {
      throw translateAgeError(error, what);
    }
    try {
      return brotliDecompressSync(compressed);
    } catch (error) {
      throw new CorruptRecordError(`'${what}' decrypts but does not decompress`, { cause: error });
    }
  }
}

export function compress(bytes: Buffer): Buffer {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: 9,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      // A window no larger than the input: the same output, without setting up a 4 MiB window
      // for a 2 KB record (that alone cost ~1.5 ms a record).
      [constants.BROTLI_PARAM_LGWIN]: windowBits(bytes.length),
    },
  });
}

function windowBits(size: number): number {
  return Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.max(constants.BROTLI_MIN_WINDOW_BITS, Math.ceil(Math.log2(size + 1))));
}

/** Map age-encryption's plain Errors to our kinds. */
export function translateAgeError(error: unknown, what: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/no identity matched/i.test(message)) {
    return new KeyError(`'${what}' is not encrypted to your key`, {
      cause: error,
      hint: "records are readable only by this repository's recipients; check GIT_TRACE_IDENTITY names the right key",
    });
  }
  return new TamperedError(`'${what}' is damaged or was altered (${message})`, { cause: error, hint: "run 'git trace verify' to see what else is affected" });
}
