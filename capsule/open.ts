// Opening a capsule: every check that needs no key first (the archive's shape, the header, the
// payload's size and SHA-256, the file being exactly the canonical packing of its parts), then
// decryption, then the sealer's signature over the payload, then the payload's binding to this
// header, then the payload's shape. Each failure is its own clear error, and nothing is written
// anywhere. Who signed is reported, not judged here (capsule/signature.ts judges it).

import { gunzipSync } from 'node:zlib';
import { Decrypter } from 'age-encryption';
import { CorruptRecordError, KeyError, TamperedError } from '../lib/errors.js';
import { translateAgeError } from '../lib/crypto/cipher.js';
import { BUNDLE_ENTRY, decodeHeader, HEADER_ENTRY, headerBinding, PAYLOAD_ENTRY, PAYLOAD_JSON, README_ENTRY, sha256, SIGNATURE_ENTRY, type CapsuleHeader } from './format.js';
import { decodePayload, PayloadShapeError, type CapsulePayload } from './payload.js';
import { packCapsule } from './seal.js';
import { checkSignature, type CapsuleSignature } from './signature.js';
import { TarFormatError, unpackTar } from './tar.js';

/** What opens it: the user's age identities, or a passphrase. */
export type Key = { readonly kind: 'identity'; readonly secretKeys: readonly string[] } | { readonly kind: 'passphrase'; readonly passphrase: string };

export interface SealedCapsule {
  readonly header: CapsuleHeader;
  readonly ciphertext: Buffer;
}

export interface OpenedCapsule {
  readonly header: CapsuleHeader;
  readonly payload: CapsulePayload;
  readonly bundle: Buffer | null;
  /** Checked: the key that signed the payload, or unsigned. */
  readonly signature: CapsuleSignature;
}

const HINT_DAMAGED = 'the file changed after it was sealed: ask the sender for it again';

/** Check everything that needs no key; `name` names the file in errors. */
export async function readCapsule(bytes: Buffer, name: string): Promise<SealedCapsule> {
  // A tar file starts with a header block carrying the ustar magic; anything else is not ours.
  if (bytes.length < 512 || bytes.subarray(257, 262).toString('latin1') !== 'ustar') {
    throw new TamperedError(`'${name}' is not a git-trace capsule`, { hint: 'a capsule is made by: git trace capsule seal' });
  }
  let files;
  try {
    files = await unpackTar(bytes);
  } catch (error) {
    if (error instanceof TarFormatError && error.truncated) throw new TamperedError(`'${name}' is truncated`, { hint: HINT_DAMAGED, cause: error });
    throw new TamperedError(`'${name}' is not a readable capsule: damaged or altered (${error instanceof Error ? error.message : String(error)})`, { hint: HINT_DAMAGED, cause: error });
  }
  const names = files.map((f) => f.name);
  if (names.join(',') !== [README_ENTRY, HEADER_ENTRY, PAYLOAD_ENTRY].join(',')) {
    if (!names.includes(HEADER_ENTRY)) throw new TamperedError(`'${name}' is not a git-trace capsule`, { hint: 'a capsule is made by: git trace capsule seal' });
    throw new TamperedError(`'${name}' is damaged or was altered (its entries are ${names.map((n) => `'${n}'`).join(', ') || 'missing'})`, { hint: HINT_DAMAGED });
  }
  const headerBytes = files[1]?.data ?? Buffer.alloc(0);
  const ciphertext = files[2]?.data ?? Buffer.alloc(0);
  const header = decodeHeader(headerBytes);
  if ('error' in header) throw new TamperedError(`'${name}' is damaged or was altered: ${header.error}`, { hint: HINT_DAMAGED });
  if (ciphertext.length < header.payload.size) throw new TamperedError(`'${name}' is truncated (its payload has ${ciphertext.length} of ${header.payload.size} bytes)`, { hint: HINT_DAMAGED });
  if (ciphertext.length !== header.payload.size || sha256(ciphertext) !== header.payload.sha256) {
    throw new TamperedError(`'${name}' is damaged or was altered: its payload does not match the SHA-256 in its header`, { hint: HINT_DAMAGED });
  }
  if (!(await packCapsule(header, ciphertext)).equals(bytes)) {
    throw new TamperedError(`'${name}' is damaged or was altered: it differs from the canonical packing of its header and payload`, { hint: HINT_DAMAGED });
  }
  return { header, ciphertext };
}

export async function openCapsule(bytes: Buffer, name: string, key: Key): Promise<OpenedCapsule> {
  const { header, ciphertext } = await readCapsule(bytes, name);
  const plaintext = await decrypt(header, ciphertext, name, key);
  let inner;
  try {
    inner = await unpackTar(gunzipSync(plaintext));
  } catch (error) {
    throw new TamperedError(`'${name}' decrypts, but its payload is not a gzipped tar`, { cause: error });
  }
  const json = inner.find((f) => f.name === PAYLOAD_JSON);
  const bundle = inner.find((f) => f.name === BUNDLE_ENTRY)?.data ?? null;
  if (json === undefined) throw new CorruptRecordError(`'${name}' has no ${PAYLOAD_JSON} in its payload`);
  const signature = checkSignature({ payloadJson: json.data, bundle }, inner.find((f) => f.name === SIGNATURE_ENTRY)?.data ?? null, name);
  let payload: CapsulePayload;
  try {
    payload = decodePayload(json.data.toString('utf8'));
  } catch (error) {
    if (error instanceof PayloadShapeError) throw new CorruptRecordError(`'${name}' holds a payload this git-trace cannot read: ${error.message}`, { cause: error });
    throw error;
  }
  if (payload.binding.capsule !== header.id || payload.binding.header !== headerBinding(header)) {
    throw new TamperedError(`the header of '${name}' does not belong to its payload: swapped or altered`, { hint: HINT_DAMAGED });
  }
  if (payload.repository.bundle !== (bundle !== null)) throw new TamperedError(`'${name}' ${bundle === null ? 'lacks the bundle its payload names' : 'carries a bundle its payload does not name'}`);
  return { header, payload, bundle, signature };
}

async function decrypt(header: CapsuleHeader, ciphertext: Buffer, name: string, key: Key): Promise<Buffer> {
  const unlock = header.encryption.unlock;
  if (unlock === 'passphrase' && key.kind !== 'passphrase') {
    throw new KeyError(`'${name}' is sealed with a passphrase`, { hint: 'give it with --passphrase (asked on the terminal) or --passphrase-fd N' });
  }
  if (unlock === 'recipients' && key.kind !== 'identity') {
    throw new KeyError(`'${name}' is sealed to age public keys, not a passphrase`, { hint: 'open it with your identity (GIT_TRACE_IDENTITY, or --identity FILE)' });
  }
  const decrypter = new Decrypter();
  if (key.kind === 'passphrase') decrypter.addPassphrase(key.passphrase);
  else for (const k of key.secretKeys) decrypter.addIdentity(k);
  try {
    return Buffer.from(await decrypter.decrypt(ciphertext));
  } catch (error) {
    const translated = translateAgeError(error, name);
    if (!(translated instanceof KeyError)) throw new TamperedError(`'${name}' is damaged or was altered (${error instanceof Error ? error.message : String(error)})`, { cause: error, hint: HINT_DAMAGED });
    if (key.kind === 'passphrase') throw new KeyError(`wrong passphrase for '${name}'`, { cause: error });
    throw new KeyError(`'${name}' is not sealed to your key`, { cause: error, hint: "ask the sender to seal it to your public key (see 'git trace init'), or give the right identity with --identity FILE" });
  }
}
