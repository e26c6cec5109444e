// age v1 files (c2sp.org/age) for X25519 recipients and identities, on node:crypto alone: ~10×
// faster than age-encryption (JavaScript ciphers and web streams, ~2 ms an object). Errors:
// KeyError when no stanza is for the given identities ("not encrypted to you"), TamperedError for
// every kind of damage, both without a subject (callers name the record); anything else is a bug.
//
// What it protects is age's: the payload's confidentiality and integrity under a fresh file key
// (with a fresh nonce and ephemeral share per stanza, as the spec requires). What it does not:
// who wrote it. Anyone who knows the recipients can make a file that opens, and any recipient
// can rewrite one for the others.

import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { KeyError, TamperedError } from '../errors.js';
import { decodeBase64, encodeBase64, encodeHeaderNoMac, parseHeader, type Stanza } from './age-header.js';
import { openPayload, sealPayload } from './age-stream.js';
import { bech32Decode, bech32Encode } from './bech32.js';

const ZERO_SALT = Buffer.alloc(32);
const ONE = Buffer.from([1]);
const RECIPIENT_PREFIX = 'age';
const IDENTITY_PREFIX = 'AGE-SECRET-KEY-';
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const FILE_KEY_BYTES = 16;
const NONCE_BYTES = 16;
const POINT_BYTES = 32;
const TAG_BYTES = 16;
const ZERO_NONCE = Buffer.alloc(12);
const EMPTY = Buffer.alloc(0);
// RFC 8410 PKCS #8 wrapping of a raw X25519 scalar: node:crypto takes private keys no other way.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** A parsed `age1…` public key. */
export interface X25519Recipient {
  readonly text: string;
  readonly point: Buffer;
  readonly key: KeyObject;
}

/** A parsed `AGE-SECRET-KEY-1…` secret key and its public point (the HKDF salt needs it). */
export interface X25519Identity {
  readonly key: KeyObject;
  readonly point: Buffer;
}

/** Parse an `age1…` X25519 recipient; null when the text is not one (age1pq1… included). */
export function parseX25519Recipient(text: string): X25519Recipient | null {
  if (!text.startsWith(`${RECIPIENT_PREFIX}1`)) return null;
  const decoded = bech32Decode(text);
  if (decoded === null || decoded.prefix !== RECIPIENT_PREFIX || decoded.bytes.length !== POINT_BYTES) return null;
  return { text, point: decoded.bytes, key: publicKeyFromPoint(decoded.bytes) };
}

/** Parse an `AGE-SECRET-KEY-1…` identity; null when the text is not one. */
export function parseX25519Identity(text: string): X25519Identity | null {
  if (!text.startsWith(`${IDENTITY_PREFIX}1`)) return null;
  const decoded = bech32Decode(text);
  if (decoded === null || decoded.prefix !== IDENTITY_PREFIX.toLowerCase() || decoded.bytes.length !== POINT_BYTES) return null;
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, decoded.bytes]), format: 'der', type: 'pkcs8' });
  return { key, point: pointOf(createPublicKey(key)) };
}

/** A new identity, `AGE-SECRET-KEY-1…`, in the form age-keygen writes. */
export function generateX25519Identity(): string {
  return bech32Encode(IDENTITY_PREFIX, randomBytes(POINT_BYTES)).toUpperCase();
}

/** The `age1…` recipient of an identity; KeyError when the text is not an X25519 identity. */
export function x25519RecipientOf(identity: string): string {
  const parsed = parseX25519Identity(identity);
  if (parsed === null) throw new KeyError('malformed X25519 identity', { hint: 'an identity is one AGE-SECRET-KEY-1… line' });
  return bech32Encode(RECIPIENT_PREFIX, parsed.point);
}

/** Encrypt `plaintext` to every recipient (at least one). */
export function encryptX25519(plaintext: Buffer, recipients: readonly X25519Recipient[]): Buffer {
  if (recipients.length === 0) throw new KeyError('no recipients to encrypt to');
  const random = randomBytes(FILE_KEY_BYTES + NONCE_BYTES);
  const fileKey = random.subarray(0, FILE_KEY_BYTES);
  const nonce = random.subarray(FILE_KEY_BYTES);
  const headerNoMac = encodeHeaderNoMac(recipients.map((recipient) => wrapFileKey(fileKey, recipient)));
  const mac = createHmac('sha256', hkdf(fileKey, EMPTY, 'header')).update(headerNoMac, 'latin1').digest();
  const header = Buffer.from(`${headerNoMac} ${encodeBase64(mac)}\n`, 'latin1');
  return Buffer.concat([header, nonce, sealPayload(hkdf(fileKey, nonce, 'payload'), plaintext)]);
}

/** Decrypt an age file with any of the identities. */
export function decryptX25519(file: Buffer, identities: readonly X25519Identity[]): Buffer {
  const header = parseHeader(file);
  const fileKey = unwrapFileKey(header.stanzas, identities);
  const mac = createHmac('sha256', hkdf(fileKey, EMPTY, 'header')).update(header.macInput).digest();
  if (!timingSafeEqual(mac, header.mac)) throw new TamperedError('the header MAC does not match: the header was altered');
  if (file.length < header.end + NONCE_BYTES) throw new TamperedError('the file is truncated: its payload nonce is missing');
  const nonce = file.subarray(header.end, header.end + NONCE_BYTES);
  return openPayload(hkdf(fileKey, nonce, 'payload'), file.subarray(header.end + NONCE_BYTES));
}

function wrapFileKey(fileKey: Buffer, recipient: X25519Recipient): Stanza {
  const ephemeral = generateKeyPairSync('x25519');
  const share = pointOf(ephemeral.publicKey);
  let secret: Buffer;
  try {
    secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.key });
  } catch (error) {
    // OpenSSL refuses low-order points, whose shared secret would be all zeros.
    throw new KeyError(`'${recipient.text}' is not a usable X25519 public key`, { cause: error });
  }
  const wrapKey = hkdf(secret, Buffer.concat([share, recipient.point]), X25519_LABEL);
  const cipher = createCipheriv('chacha20-poly1305', wrapKey, ZERO_NONCE, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
  return { type: 'X25519', args: [encodeBase64(share)], body };
}

/** The file key from the first X25519 stanza an identity opens; other stanza types are skipped. */
function unwrapFileKey(stanzas: readonly Stanza[], identities: readonly X25519Identity[]): Buffer {
  if (stanzas.length > 1 && stanzas.some((s) => s.type === 'scrypt')) {
    // The spec: a passphrase file has one stanza, or a recipient could pass off a forged file as
    // authenticated by the passphrase.
    throw new TamperedError('an scrypt stanza must be the only one in its header');
  }
  const shares = stanzas.filter((s) => s.type === 'X25519').map(checkX25519Stanza);
  for (const identity of identities) {
    for (const share of shares) {
      const fileKey = unwrapWith(identity, share);
      if (fileKey !== null) return fileKey;
    }
  }
  throw new KeyError(describeNoMatch(stanzas));
}

interface X25519Share {
  readonly point: Buffer;
  readonly key: KeyObject;
  readonly body: Buffer;
}

/** The spec's checks on an X25519 stanza, before any key touches it. */
function checkX25519Stanza(stanza: Stanza): X25519Share {
  const [share, ...extra] = stanza.args;
  const point = share === undefined || extra.length > 0 ? null : decodeBase64(share);
  if (point === null || point.length !== POINT_BYTES) throw new TamperedError('an X25519 stanza does not carry one 32-byte share');
  // The size check comes before decryption, against partitioning oracles (the spec's MUST).
  if (stanza.body.length !== FILE_KEY_BYTES + TAG_BYTES) throw new TamperedError('an X25519 stanza body is not 32 bytes');
  return { point, key: publicKeyFromPoint(point), body: stanza.body };
}

function unwrapWith(identity: X25519Identity, share: X25519Share): Buffer | null {
  let secret: Buffer;
  try {
    secret = diffieHellman({ privateKey: identity.key, publicKey: share.key });
  } catch (error) {
    // OpenSSL fails the derivation exactly when the secret would be all zeros: the spec's abort.
    throw new TamperedError('an X25519 stanza carries a low-order share', { cause: error });
  }
  if (secret.every((byte) => byte === 0)) throw new TamperedError('an X25519 stanza carries a low-order share');
  const wrapKey = hkdf(secret, Buffer.concat([share.point, identity.point]), X25519_LABEL);
  const decipher = createDecipheriv('chacha20-poly1305', wrapKey, ZERO_NONCE, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(share.body.subarray(FILE_KEY_BYTES));
  const fileKey = decipher.update(share.body.subarray(0, FILE_KEY_BYTES));
  try {
    decipher.final();
  } catch {
    return null; // sealed to someone else
  }
  return fileKey;
}

function describeNoMatch(stanzas: readonly Stanza[]): string {
  if (stanzas.length === 1 && stanzas[0]?.type === 'scrypt') return 'it is sealed with a passphrase, not to age keys';
  const types = [...new Set(stanzas.map((s) => s.type))].map((t) => `'${t}'`).join(', ');
  if (stanzas.length === 1) return `its one recipient stanza (${types}) is not for your keys`;
  return `none of its ${stanzas.length} recipient stanzas (${types}) is for your keys`;
}

function publicKeyFromPoint(point: Buffer): KeyObject {
  // JWK, not SPKI DER: node:crypto imports it about ten times faster.
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: point.toString('base64url') }, format: 'jwk' });
}

function pointOf(publicKey: KeyObject): Buffer {
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x ?? '', 'base64url');
}

/**
 * HKDF-SHA-256 (RFC 5869) for one 32-byte block: extract, then the first block of expand. Two
 * HMACs here cost a third of hkdfSync, which sets up key objects on every call.
 */
function hkdf(ikm: Buffer, salt: Buffer, info: string): Buffer {
  const prk = createHmac('sha256', salt.length === 0 ? ZERO_SALT : salt).update(ikm).digest();
  return createHmac('sha256', prk).update(info, 'latin1').update(ONE).digest();
}
