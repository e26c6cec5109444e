// Sealing records: compress, then age-encrypt to every recipient. Opening: decrypt with the
// user's identity, then decompress. X25519 keys, the only kind git-trace makes, go through the
// native age code in age-x25519.ts (~0.1 ms an object); any other key type loads age-encryption
// on first use (~2 ms an object, and tens of ms to load), so the hook's path never loads it.
//
// translateAgeError is the one place that tells "not encrypted to you" (KeyError) from "damaged
// or altered" (TamperedError), for the native errors and age-encryption's plain Errors alike. A
// test pins the translation.
//
// What this protects: the content of every record, from anyone without a recipient's identity.
// What it does not: the number and size of records, their timestamps and the session ids, which
// travel in plaintext as ref names and object sizes.

import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { Decrypter, Encrypter } from 'age-encryption';
import { CorruptRecordError, KeyError, TamperedError } from '../errors.js';
import { decryptX25519, encryptX25519, parseX25519Identity, parseX25519Recipient, type X25519Identity, type X25519Recipient } from './age-x25519.js';
import { bech32Decode } from './bech32.js';

type AgeLibrary = typeof import('age-encryption');

function loadAgeLibrary(): Promise<AgeLibrary> {
  return import('age-encryption');
}

export class Sealer {
  /** Null when some recipient is not X25519: then age-encryption seals for all of them. */
  private readonly native: readonly X25519Recipient[] | null;
  private encrypter: Promise<Encrypter> | null = null;

  constructor(readonly recipients: readonly string[]) {
    if (recipients.length === 0) {
      throw new KeyError('no recipients to encrypt to', { hint: "run 'git trace init' to make yourself a recipient of this repository" });
    }
    const parsed = recipients.map((recipient) => {
      const x25519 = parseX25519Recipient(recipient);
      if (x25519 === null && !isOtherAgeRecipient(recipient)) {
        throw new KeyError(`'${recipient}' is not an age public key`, { hint: 'a recipient looks like age1… (the output of: git trace init)' });
      }
      return x25519;
    });
    this.native = parsed.every((r) => r !== null) ? parsed : null;
  }

  /** Compress and encrypt. */
  async seal(plaintext: Buffer | string): Promise<Buffer> {
    const compressed = compress(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext);
    if (this.native !== null) return encryptX25519(compressed, this.native);
    return Buffer.from(await (await this.libraryEncrypter()).encrypt(compressed));
  }

  private libraryEncrypter(): Promise<Encrypter> {
    return (this.encrypter ??= loadAgeLibrary().then((age) => {
      const encrypter = new age.Encrypter();
      for (const recipient of this.recipients) {
        try {
          encrypter.addRecipient(recipient);
        } catch (error) {
          throw new KeyError(`'${recipient}' is not an age public key git-trace can encrypt to`, { cause: error });
        }
      }
      return encrypter;
    }));
  }
}

export class Opener {
  /** Null when some key is not X25519: then age-encryption opens with all of them. */
  private readonly native: readonly X25519Identity[] | null;
  private decrypter: Promise<Decrypter> | null = null;

  constructor(private readonly secretKeys: readonly string[]) {
    const parsed = secretKeys.map((key) => {
      const x25519 = parseX25519Identity(key);
      if (x25519 === null && key.startsWith('AGE-SECRET-KEY-1')) {
        throw new KeyError('malformed X25519 identity', { hint: 'an identity is one AGE-SECRET-KEY-1… line, as age-keygen writes it' });
      }
      return x25519;
    });
    this.native = parsed.every((i) => i !== null) ? parsed : null;
  }

  /** Decrypt and decompress; `what` names the record in errors. */
  async open(ciphertext: Buffer, what: string): Promise<Buffer> {
    const compressed = await this.decrypt(ciphertext, what);
    try {
      return brotliDecompressSync(compressed);
    } catch (error) {
      throw new CorruptRecordError(`'${what}' decrypts but does not decompress`, { cause: error });
    }
  }

  private async decrypt(ciphertext: Buffer, what: string): Promise<Uint8Array> {
    if (this.native !== null) {
      try {
        return decryptX25519(ciphertext, this.native);
      } catch (error) {
        // Anything but these two is a bug in our age code, and must not pass for damage.
        if (error instanceof KeyError || error instanceof TamperedError) throw translateAgeError(error, what);
        throw error;
      }
    }
    const decrypter = await this.libraryDecrypter();
    try {
      return await decrypter.decrypt(ciphertext);
    } catch (error) {
      throw translateAgeError(error, what);
    }
  }

  private libraryDecrypter(): Promise<Decrypter> {
    return (this.decrypter ??= loadAgeLibrary().then((age) => {
      const decrypter = new age.Decrypter();
      for (const key of this.secretKeys) {
        try {
          decrypter.addIdentity(key);
        } catch (error) {
          throw new KeyError('an identity is of a kind git-trace cannot use', { cause: error, hint: 'an identity is an AGE-SECRET-KEY-1… line' });
        }
      }
      return decrypter;
    }));
  }
}

export function compress(bytes: Buffer): Buffer {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      // Quality 5: on real transcripts 3% larger than 9 and 35 times faster (1 ms against 35 ms
      // for a 500 KB record); past 5 the time grows much faster than the size shrinks.
      [constants.BROTLI_PARAM_QUALITY]: 5,
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

/**
 * Name the record in an age error and give it its kind. The native code throws KeyError or
 * TamperedError already (their message is the reason); age-encryption throws plain Errors, of
 * which only "no identity matched" means the key is wrong: all else is damage.
 */
export function translateAgeError(error: unknown, what: string): KeyError | TamperedError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof KeyError || (!(error instanceof TamperedError) && /no identity matched/i.test(message))) {
    // The native reason stays in `cause`: the message is the one scripts and tests know.
    return new KeyError(`'${what}' is not encrypted to your key`, {
      cause: error,
      hint: "records are readable only by this repository's recipients; check GIT_TRACE_IDENTITY names the right key",
    });
  }
  return new TamperedError(`'${what}' is damaged or was altered (${message})`, { cause: error, hint: "run 'git trace verify' to see what else is affected" });
}

/** age1pq1…, age1tag1… and the like: bech32 under an `age1…` prefix that age-encryption may know. */
function isOtherAgeRecipient(text: string): boolean {
  return bech32Decode(text)?.prefix.startsWith('age1') ?? false;
}
