// A capsule's signature: the sealer's signing key signs a statement of the payload's digests
// (payload.json, which binds the header, and base.bundle), in its own SSHSIG namespace, and the
// signature travels inside the encryption, so only recipients see who sealed it. Opening checks
// it before the payload is read: content changed after signing is rejected as tampered; a
// capsule from before signing (or stripped of its signature) opens as unsigned.
//
// A valid signature names a key, not a person: the signer is trusted only when that key is a
// signing key of the opening repository's current recipients, or one the user named with
// --trust-signer. What this does not protect: a recipient can re-seal what they opened.

import { keyFingerprint, verifySignature, type SigningKey } from '../lib/crypto/signing.js';
import { TamperedError } from '../lib/errors.js';
import { recipientLabel, type Recipient } from '../lib/store/recipients.js';
import { sha256 } from './format.js';

/** The SSHSIG namespace of capsule signatures: a commit's or another tool's signature never passes. */
export const CAPSULE_NAMESPACE = 'git-trace-capsule';

/** What the signature entry says, checked: which key signed, or that none did. */
export type CapsuleSignature = { readonly kind: 'signed'; readonly key: string } | { readonly kind: 'unsigned' };

/** The signer as `open` and `replay` show it. A bad signature never gets here: it is an error. */
export interface Signer {
  /** `ssh-ed25519 AAAA…`; null when unsigned. */
  readonly key: string | null;
  /** `SHA256:…`, as `ssh-keygen -l` prints it; null when unsigned. */
  readonly fingerprint: string | null;
  /** The recipient whose signing key it is; null when none is. */
  readonly name: string | null;
  readonly trusted: boolean;
  readonly state: 'trusted' | 'unknown' | 'unsigned';
}

/** payload.json binds the header (binding.capsule and binding.header), so signing it signs the header too. */
export interface SignedContent {
  readonly payloadJson: Buffer;
  readonly bundle: Buffer | null;
}

/** The message signed: one line per signed part, so nothing can be moved between them. */
export function signedStatement(content: SignedContent): Buffer {
  return Buffer.from(
    ['git-trace capsule signature 1', `payload.json sha256 ${sha256(content.payloadJson)}`, `base.bundle ${content.bundle === null ? 'none' : `sha256 ${sha256(content.bundle)}`}`, ''].join('\n'),
    'utf8',
  );
}

export function signCapsule(content: SignedContent, key: SigningKey): Buffer {
  return Buffer.from(key.sign(signedStatement(content), CAPSULE_NAMESPACE), 'utf8');
}

/** Check the signature entry (null: none); throws TamperedError when it does not verify. */
export function checkSignature(content: SignedContent, armored: Buffer | null, name: string): CapsuleSignature {
  if (armored === null) return { kind: 'unsigned' };
  const key = verifySignature(armored.toString('utf8'), signedStatement(content), CAPSULE_NAMESPACE);
  if (key === null) throw new TamperedError(`the signature in '${name}' does not match its content: it was altered after signing`, { hint: 'do not replay it; ask the sender for it again' });
  return { kind: 'signed', key };
}

/** Trusted: the key of a current recipient, or one named in `trustedKeys` (`SHA256:…` or `ssh-ed25519 AAAA…`). */
export function judgeSigner(signature: CapsuleSignature, recipients: readonly Recipient[], trustedKeys: readonly string[]): Signer {
  if (signature.kind === 'unsigned') return { key: null, fingerprint: null, name: null, trusted: false, state: 'unsigned' };
  const key = signature.key;
  const fingerprint = keyFingerprint(key);
  const recipient = recipients.find((r) => r.signingKey !== undefined && sameKey(r.signingKey, key));
  const trusted = recipient !== undefined || trustedKeys.some((t) => t === fingerprint || sameKey(t, key));
  return { key, fingerprint, name: recipient === undefined ? null : recipientLabel(recipient), trusted, state: trusted ? 'trusted' : 'unknown' };
}

/** Equal keys, whatever follows them (a comment) and however they are spaced. */
function sameKey(a: string, b: string): boolean {
  const [typeA, dataA] = a.trim().split(/\s+/);
  const [typeB, dataB] = b.trim().split(/\s+/);
  return typeA === typeB && dataA !== undefined && dataA === dataB;
}
