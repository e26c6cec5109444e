// Sealing: the payload (payload.json and, with --bundle, base.bundle) as a gzipped tar, age-
// encrypted to recipients or a passphrase, then packed with its header and README into the
// capsule file. The tar layers are deterministic; the age layer is not, on purpose: age draws a
// fresh file key (and, for a passphrase, a fresh salt) each time, so two capsules of the same
// slice cannot be linked by their ciphertext. Their id and plaintext are equal (Ed25519
// signatures are deterministic: the same signer signs the same payload the same way).

import { gzipSync } from 'node:zlib';
import { Encrypter } from 'age-encryption';
import type { SigningKey } from '../lib/crypto/signing.js';
import { UsageError } from '../lib/errors.js';
import type { BuiltCapsule } from './build.js';
import { BUNDLE_ENTRY, canonicalText, encodeHeader, HEADER_ENTRY, PAYLOAD_ENTRY, PAYLOAD_JSON, README_ENTRY, readmeText, sha256, SIGNATURE_ENTRY, type CapsuleHeader } from './format.js';
import { signCapsule } from './signature.js';
import { packTar, type TarFile } from './tar.js';

/** Who can open it: age X25519 recipients (`age1…`), or one passphrase (age scrypt). Never both. */
export type Lock = { readonly kind: 'recipients'; readonly recipients: readonly string[] } | { readonly kind: 'passphrase'; readonly passphrase: string };

/** The plaintext that gets encrypted: deterministic for the same payload, bundle and signer (null: unsigned). */
export async function payloadPlaintext(built: BuiltCapsule, signer: SigningKey | null): Promise<Buffer> {
  const payloadJson = Buffer.from(canonicalText(built.payload), 'utf8');
  const files: TarFile[] = [{ name: PAYLOAD_JSON, data: payloadJson }];
  if (built.bundle !== null) files.push({ name: BUNDLE_ENTRY, data: built.bundle });
  if (signer !== null) files.push({ name: SIGNATURE_ENTRY, data: signCapsule({ payloadJson, bundle: built.bundle }, signer) });
  return gzipSync(await packTar(files, new Date(built.header.createdAt)), { level: 9 });
}

/** Seal `built` for `lock`, signed by `signer` (null: unsigned, as capsules from before signing). */
export async function sealCapsule(built: BuiltCapsule, lock: Lock, signer: SigningKey | null): Promise<Buffer> {
  const encrypter = new Encrypter();
  if (lock.kind === 'passphrase') {
    if (lock.passphrase === '') throw new UsageError('the passphrase is empty');
    encrypter.setPassphrase(lock.passphrase);
  } else {
    if (lock.recipients.length === 0) throw new UsageError('no recipient to seal to', { hint: 'give an age public key with --to age1…' });
    for (const recipient of lock.recipients) {
      try {
        encrypter.addRecipient(recipient);
      } catch {
        throw new UsageError(`'${recipient}' is not an age public key`, { hint: 'a recipient looks like age1… (ask the receiver for the output of: git trace init)' });
      }
    }
  }
  const ciphertext = Buffer.from(await encrypter.encrypt(await payloadPlaintext(built, signer)));
  const header: CapsuleHeader = { ...built.header, payload: { file: PAYLOAD_ENTRY, size: ciphertext.length, sha256: sha256(ciphertext) } };
  return packCapsule(header, ciphertext);
}

/** The capsule file for a header and its encrypted payload: the one byte layout there is. */
export function packCapsule(header: CapsuleHeader, ciphertext: Buffer): Promise<Buffer> {
  return packTar(
    [
      { name: README_ENTRY, data: Buffer.from(readmeText(header), 'utf8') },
      { name: HEADER_ENTRY, data: encodeHeader(header) },
      { name: PAYLOAD_ENTRY, data: ciphertext },
    ],
    new Date(header.createdAt),
  );
}
