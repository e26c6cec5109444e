// The user's signing key: Ed25519, kept beside the age identity in OpenSSH's private key format
// (mode 0600, unencrypted, as `ssh-keygen -t ed25519 -N ''` writes it), and signatures in
// OpenSSH's SSHSIG format (PROTOCOL.sshsig), so `ssh-keygen -Y verify` and `git verify-commit`
// with gpg.format=ssh check what we sign. Public keys are written "ssh-ed25519 AAAA…".
//
// A signature says which key signed; whether that key may sign is the caller's question
// (lib/store/trust.ts answers it against the recipients). Only Ed25519 keys are read.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyError } from '../errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';

export interface SigningKey {
  /** The file it was read from. */
  readonly file: string;
  /** `ssh-ed25519 AAAA…`: what a recipient entry binds. */
  readonly publicKey: string;
  /** An armored SSHSIG signature of `message` in `namespace`. */
  sign(message: Buffer, namespace: string): string;
}

/** The namespace git uses for commits: a signature made for another purpose never passes here. */
export const GIT_NAMESPACE = 'git';

const KEY_TYPE = 'ssh-ed25519';
const MAGIC = 'SSHSIG';
const HASH = 'sha512';
const KEY_ARMOR = 'OPENSSH PRIVATE KEY';
const SIG_ARMOR = 'SSH SIGNATURE';

export function isSigningPublicKey(text: string): boolean {
  const raw = rawPublicKeyOf(text);
  return raw !== null;
}

export async function loadSigningKey(file: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KeyError(`no signing key at '${file}'`, { hint: "run 'git trace init' to create one" });
    }
    throw new KeyError(`cannot read signing key '${file}': ${(error as Error).message}`);
  }
  try {
    return signingKeyFrom(file, parseOpenSshPrivateKey(text));
  } catch (error) {
    throw new KeyError(`malformed signing key in '${file}'`, { cause: error, hint: 'it must be an unencrypted OpenSSH ed25519 key (ssh-keygen -t ed25519 -N "")' });
  }
}

/** The signing key, or null when the user has none yet ('git trace init' makes it). */
export async function loadSigningKeyIfAny(file: string): Promise<SigningKey | null> {
  try {
    return await loadSigningKey(file);
  } catch (error) {
    if (error instanceof KeyError && error.message.startsWith('no signing key at')) return null;
    throw error;
  }
}

/** Load the signing key, creating it (mode 0600) when the file does not exist. */
export async function ensureSigningKey(file: string): Promise<{ key: SigningKey; created: boolean }> {
  const existing = await loadSigningKeyIfAny(file);
  if (existing !== null) return { key: existing, created: false };
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    await writeFile(file, formatOpenSshPrivateKey(seed, pub, 'git-trace'), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { key: await loadSigningKey(file), created: false };
    throw error;
  }
  await chmod(file, PRIVATE_FILE_MODE);
  return { key: signingKeyFrom(file, privateKey), created: true };
}

function signingKeyFrom(file: string, privateKey: KeyObject): SigningKey {
  const pub = Buffer.from(privateKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const blob = publicKeyBlob(pub);
  return {
    file,
    publicKey: `${KEY_TYPE} ${blob.toString('base64')}`,
    sign: (message, namespace) => {
      const signature = sign(null, signedData(message, namespace), privateKey);
      const body = Buffer.concat([Buffer.from(MAGIC), uint32(1), string(blob), string(namespace), string(''), string(HASH), string(Buffer.concat([string(KEY_TYPE), string(signature)]))]);
      return armor(SIG_ARMOR, body);
    },
  };
}

/**
 * The public key (`ssh-ed25519 AAAA…`) whose valid signature of `message` in `namespace` this
 * is; null when it does not parse, is of another namespace or key type, or does not verify.
 */
export function verifySignature(armored: string, message: Buffer, namespace: string): string | null {
  try {
    const r = new WireReader(dearmor(SIG_ARMOR, armored));
    if (r.bytes(MAGIC.length).toString('latin1') !== MAGIC || r.uint32() !== 1) return null;
    const blob = r.string();
    if (r.string().toString('utf8') !== namespace) return null;
    r.string(); // reserved
    const hash = r.string().toString('latin1');
    if (hash !== 'sha512' && hash !== 'sha256') return null;
    const sig = new WireReader(r.string());
    if (!r.done() || sig.string().toString('latin1') !== KEY_TYPE) return null;
    const signature = sig.string();
    const publicKey = `${KEY_TYPE} ${blob.toString('base64')}`;
    const raw = rawPublicKeyOf(publicKey);
    if (raw === null || !sig.done()) return null;
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return verify(null, signedData(message, namespace, hash), key, signature) ? publicKey : null;
  } catch {
    return null;
  }
}

/** OpenSSH's fingerprint of `ssh-ed25519 AAAA…` (`SHA256:` and unpadded base64), as `ssh-keygen -l` prints it. */
export function keyFingerprint(publicKey: string): string {
  const b64 = publicKey.trim().split(/\s+/)[1] ?? '';
  return `SHA256:${createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** The 32 key bytes of `ssh-ed25519 AAAA…` (a comment after it is ignored); null when it is not one. */
function rawPublicKeyOf(text: string): Buffer | null {
  const [type, b64] = text.trim().split(/\s+/);
  if (type !== KEY_TYPE || b64 === undefined || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return null;
  try {
    const r = new WireReader(Buffer.from(b64, 'base64'));
    if (r.string().toString('latin1') !== KEY_TYPE) return null;
    const raw = r.string();
    return raw.length === 32 && r.done() ? raw : null;
  } catch {
    return null;
  }
}

function signedData(message: Buffer, namespace: string, hash = HASH): Buffer {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([Buffer.from(MAGIC), string(namespace), string(''), string(hash), string(digest)]);
}

function publicKeyBlob(pub: Buffer): Buffer {
  return Buffer.concat([string(KEY_TYPE), string(pub)]);
}

// openssh-key-v1, unencrypted (PROTOCOL.key): the private section holds the key twice-checked
// by two equal random words, then the 64-byte ed25519 secret (seed and public key), padded.
function formatOpenSshPrivateKey(seed: Buffer, pub: Buffer, comment: string): string {
  const check = randomBytes(4);
  const parts = [check, check, string(KEY_TYPE), string(pub), string(Buffer.concat([seed, pub])), string(comment)];
  let section = Buffer.concat(parts);
  const pad: number[] = [];
  for (let i = 1; (section.length + pad.length) % 8 !== 0; i++) pad.push(i);
  section = Buffer.concat([section, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), string('none'), string('none'), string(''), uint32(1), string(publicKeyBlob(pub)), string(section)]);
  return armor(KEY_ARMOR, body);
}

function parseOpenSshPrivateKey(text: string): KeyObject {
  const r = new WireReader(dearmor(KEY_ARMOR, text));
  if (r.bytes(15).toString('latin1') !== 'openssh-key-v1\0') throw new Error('not an openssh-key-v1 key');
  if (r.string().toString('latin1') !== 'none' || r.string().toString('latin1') !== 'none') throw new Error('the key is encrypted');
  r.string();
  if (r.uint32() !== 1) throw new Error('more than one key');
  r.string();
  const s = new WireReader(r.string());
  if (s.uint32() !== s.uint32()) throw new Error('check words differ');
  if (s.string().toString('latin1') !== KEY_TYPE) throw new Error('not an ed25519 key');
  const pub = s.string();
  const secret = s.string();
  if (pub.length !== 32 || secret.length !== 64) throw new Error('bad key length');
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: secret.subarray(0, 32).toString('base64url'), x: pub.toString('base64url') }, format: 'jwk' });
}

function armor(label: string, body: Buffer): string {
  const b64 = body.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function dearmor(label: string, text: string): Buffer {
  const match = new RegExp(`^\\s*-----BEGIN ${label}-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END ${label}-----\\s*$`).exec(text);
  if (match === null) throw new Error(`not an armored ${label}`);
  return Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64');
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function string(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

class WireReader {
  private at = 0;
  constructor(private readonly data: Buffer) {}
  bytes(n: number): Buffer {
    if (this.at + n > this.data.length) throw new Error('truncated');
    const out = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  done(): boolean {
    return this.at === this.data.length;
  }
}
