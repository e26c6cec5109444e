// What the age tests share: fresh keys, the other two encoders (age-encryption and the `age` CLI)
// and a way to keep a file's key so a test can forge payloads under an authentic header. Real
// crypto everywhere; the CLI parts skip, with a message, where `age` is not installed.

import { spawnSync } from 'node:child_process';
import { createCipheriv, hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decrypter, Encrypter, Stanza, type Recipient } from 'age-encryption';
import { encodeBase64 } from '../../lib/crypto/age-header.js';
import { generateX25519Identity, parseX25519Identity, parseX25519Recipient, x25519RecipientOf, type X25519Identity, type X25519Recipient } from '../../lib/crypto/age-x25519.js';
import { seededRandom } from '../helpers/random.js';

export const CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
export const NONCE_BYTES = 16;

export interface KeyPair {
  readonly identity: string;
  readonly recipient: string;
  readonly parsedIdentity: X25519Identity;
  readonly parsedRecipient: X25519Recipient;
}

export function keyPair(): KeyPair {
  const identity = generateX25519Identity();
  const recipient = x25519RecipientOf(identity);
  const parsedIdentity = parseX25519Identity(identity);
  const parsedRecipient = parseX25519Recipient(recipient);
  if (parsedIdentity === null || parsedRecipient === null) throw new Error(`a generated key does not parse back: ${recipient}`);
  return { identity, recipient, parsedIdentity, parsedRecipient };
}

/** Deterministic bytes of any length: the same payload every run. */
export function payload(size: number, seed = size): Buffer {
  return seededRandom(seed + 1).bytes(size);
}

/** Where the payload (its nonce first) starts: after the MAC line. */
export function headerEnd(file: Buffer): number {
  const mac = file.indexOf('\n--- ');
  return file.indexOf(0x0a, mac + 1) + 1;
}

export function flip(file: Buffer, at: number, mask: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = (copy[at] ?? 0) ^ mask;
  return copy;
}

// --- age-encryption ----------------------------------------------------------------------------

export async function libraryEncrypt(plaintext: Buffer, recipients: readonly (string | Recipient)[]): Promise<Buffer> {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return Buffer.from(await encrypter.encrypt(plaintext));
}

export async function libraryDecrypt(file: Buffer, identities: readonly string[]): Promise<Buffer> {
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  return Buffer.from(await decrypter.decrypt(file));
}

/** A stanza of a type no identity knows, as age's tests "grease" headers. */
export function greaseRecipient(bodyBytes: number): Recipient {
  return { wrapFileKey: () => [new Stanza(['grease.example/x', 'a-b', '!~'], randomBytes(bodyBytes))] };
}

/** A real scrypt stanza (work factor 2^10) wrapping the same file key as the other stanzas. */
export function scryptRecipient(passphrase: string): Recipient {
  return {
    wrapFileKey: (fileKey: Uint8Array): Stanza[] => {
      const salt = randomBytes(16);
      const key = scryptSync(passphrase, Buffer.concat([Buffer.from('age-encryption.org/v1/scrypt'), salt]), 32, { N: 1 << 10, r: 8, p: 1 });
      return [new Stanza(['scrypt', encodeBase64(salt), '10'], chachaSeal(key, Buffer.alloc(12), Buffer.from(fileKey)))];
    },
  };
}

/** An authentic header for `recipient`, and the file key and payload nonce behind it. */
export async function headerWithKnownKey(recipient: string): Promise<{ header: Buffer; fileKey: Buffer; nonce: Buffer }> {
  let fileKey = Buffer.alloc(0);
  // age-encryption hands every recipient the same file key: a grease stanza that keeps it.
  const keeper: Recipient = {
    wrapFileKey: (key: Uint8Array): Stanza[] => {
      fileKey = Buffer.from(key);
      return [new Stanza(['keeper.example'], Buffer.alloc(0))];
    },
  };
  const file = await libraryEncrypt(Buffer.from('x'), [recipient, keeper]);
  const end = headerEnd(file);
  return { header: file.subarray(0, end), fileKey, nonce: file.subarray(end, end + NONCE_BYTES) };
}

export interface ForgedChunk {
  readonly plaintext: Buffer;
  readonly counter: number;
  readonly isFinal: boolean;
}

/** STREAM chunks sealed as told, rules or not, under the payload key of `fileKey` and `nonce`. */
export function forgePayload(fileKey: Buffer, nonce: Buffer, chunks: readonly ForgedChunk[]): Buffer {
  const key = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
  return Buffer.concat(
    chunks.map((chunk) => {
      const chunkNonce = Buffer.alloc(12);
      chunkNonce.writeUIntBE(chunk.counter, 5, 6);
      chunkNonce[11] = chunk.isFinal ? 1 : 0;
      return chachaSeal(key, chunkNonce, chunk.plaintext);
    }),
  );
}

function chachaSeal(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

// --- the age CLI -------------------------------------------------------------------------------

export const hasAgeCli = spawnSync('age', ['--version']).status === 0;
/** For `test(…, { skip })`: false when the CLI is there, else why the test skips. */
export const skipWithoutAgeCli: string | false = hasAgeCli ? false : 'the age CLI is not installed (apt-get install age)';

const cliDir = mkdtempSync(join(tmpdir(), 'git-trace-age-cli-'));
process.on('exit', () => rmSync(cliDir, { recursive: true, force: true }));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export function ageCliDecrypt(file: Buffer, identities: readonly string[]): CliResult {
  const keyFile = join(cliDir, `key-${randomBytes(6).toString('hex')}.txt`);
  writeFileSync(keyFile, `${identities.join('\n')}\n`, { mode: 0o600 });
  return runAge(['-d', '-i', keyFile], file);
}

export function ageCliEncrypt(plaintext: Buffer, recipients: readonly string[]): CliResult {
  return runAge(recipients.flatMap((r) => ['-r', r]), plaintext);
}

/** `age-keygen -y`: the recipient of an identity, as the reference implementation computes it. */
export function ageKeygenRecipient(identity: string): string {
  const result = spawnSync('age-keygen', ['-y'], { input: `${identity}\n` });
  return result.stdout.toString().trim();
}

function runAge(args: readonly string[], input: Buffer): CliResult {
  const result = spawnSync('age', args, { input, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}
