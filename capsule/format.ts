// The capsule file: a tar archive of exactly three entries, in this order, byte-deterministic:
//
//   README.txt     how to open it, with or without git-trace (plaintext, derived from the header)
//   capsule.json   the header (plaintext, canonical JSON): format, version, id, creation time,
//                  how the payload is encrypted, and the payload's size and SHA-256
//   payload.age    the payload, age-encrypted (to X25519 recipients or to a passphrase): a
//                  gzipped tar of payload.json and, with --bundle, base.bundle
//
// Integrity: the header names the payload's SHA-256, and the encrypted payload names the
// SHA-256 of the header's other fields (`binding.header`), so a flipped byte anywhere, a
// truncation, or a header swapped from another capsule is rejected. The whole file must also be
// exactly what packing its header and payload gives, so bytes hidden in tar padding are too.
// Who sealed it: the payload carries the sealer's signature of its digests (capsule/signature.ts),
// inside the encryption. A signature proves which key signed, not that the key may be trusted:
// that is checked against the opening repository's recipients. Anyone can still seal an
// unsigned capsule, or strip the signature and re-seal: such a capsule opens as 'unsigned'.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../lib/store/records.js';
import { isRecord, tryParseJson } from '../lib/model/json.js';

export const CAPSULE_FORMAT = 'git-trace-capsule';
export const CAPSULE_VERSION = 1 as const;
export const README_ENTRY = 'README.txt';
export const HEADER_ENTRY = 'capsule.json';
export const PAYLOAD_ENTRY = 'payload.age';
export const PAYLOAD_JSON = 'payload.json';
export const BUNDLE_ENTRY = 'base.bundle';
/** Inside the payload: the sealer's SSHSIG signature of the payload's digests (capsule/signature.ts). */
export const SIGNATURE_ENTRY = 'signature.sshsig';

/** `recipients`: age X25519 public keys (open with an identity); `passphrase`: age scrypt. */
export type Unlock = 'recipients' | 'passphrase';

export interface CapsuleHeader {
  readonly format: typeof CAPSULE_FORMAT;
  readonly version: typeof CAPSULE_VERSION;
  /** Stable for the same slice of the same session: `cap-` and 20 hex digits. */
  readonly id: string;
  /** From the input (the slice's last step time) or --created, so equal input gives equal bytes. */
  readonly createdAt: string;
  readonly encryption: { readonly scheme: 'age'; readonly unlock: Unlock; readonly content: 'tar+gzip' };
  readonly payload: { readonly file: typeof PAYLOAD_ENTRY; readonly size: number; readonly sha256: string };
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Canonical JSON (sorted keys, two-space indent, final newline): one text per value. */
export function canonicalText(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`;
}

export function encodeHeader(header: CapsuleHeader): Buffer {
  return Buffer.from(canonicalText(header), 'utf8');
}

/** The digest the payload carries: every header field but `payload` (which names the payload). */
export function headerBinding(header: Omit<CapsuleHeader, 'payload'> | CapsuleHeader): string {
  const { payload: _payload, ...rest } = header as CapsuleHeader;
  return sha256(canonicalJson(rest));
}

/** Parse and check a header; null when it is not one (the caller says how it is damaged). */
export function decodeHeader(bytes: Buffer): CapsuleHeader | { readonly error: string } {
  const value = tryParseJson(bytes.toString('utf8'));
  if (!isRecord(value)) return { error: 'its header is not JSON' };
  if (value['format'] !== CAPSULE_FORMAT) return { error: 'its header does not name the capsule format' };
  if (typeof value['version'] !== 'number') return { error: 'its header has no format version' };
  if (value['version'] > CAPSULE_VERSION) return { error: `it has format version ${value['version']}, newer than this git-trace reads (${CAPSULE_VERSION})` };
  const { id, createdAt, encryption, payload } = value;
  if (typeof id !== 'string' || !/^cap-[0-9a-f]{20}$/.test(id)) return { error: 'its header has no valid id' };
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return { error: 'its header has no valid creation time' };
  if (!isRecord(encryption) || encryption['scheme'] !== 'age' || encryption['content'] !== 'tar+gzip' || (encryption['unlock'] !== 'recipients' && encryption['unlock'] !== 'passphrase')) {
    return { error: 'its header names an unknown encryption' };
  }
  if (!isRecord(payload) || payload['file'] !== PAYLOAD_ENTRY || typeof payload['size'] !== 'number' || typeof payload['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(payload['sha256'])) {
    return { error: 'its header does not describe the payload' };
  }
  const header: CapsuleHeader = {
    format: CAPSULE_FORMAT,
    version: CAPSULE_VERSION,
    id,
    createdAt,
    encryption: { scheme: 'age', unlock: encryption['unlock'], content: 'tar+gzip' },
    payload: { file: PAYLOAD_ENTRY, size: payload['size'], sha256: payload['sha256'] },
  };
  if (!encodeHeader(header).equals(bytes)) return { error: 'its header is not in canonical form' };
  return header;
}

/** The plaintext note for whoever finds the file: what it is and how to open it by hand. */
export function readmeText(header: CapsuleHeader): string {
  const key = header.encryption.unlock === 'passphrase' ? 'age -d' : 'age -d -i ~/.config/git-trace/identity.txt';
  return [
    `git-trace capsule ${header.id}, format ${header.version}, sealed ${header.createdAt}.`,
    '',
    'A slice of a coding-agent session, the repository state it ran on, and a command that',
    `re-runs its verdict. ${PAYLOAD_ENTRY} is age-encrypted (${header.encryption.unlock === 'passphrase' ? 'to a passphrase' : 'to age public keys'}).`,
    '',
    'With git-trace, in a clone of the repository:',
    '  git trace capsule open FILE',
    '  git trace capsule replay FILE',
    '',
    'By hand:',
    `  tar -xOf FILE ${PAYLOAD_ENTRY} | ${key} | tar -xz`,
    `  (gives ${PAYLOAD_JSON}, and ${BUNDLE_ENTRY} when the capsule carries the base commit)`,
    '',
  ].join('\n');
}
