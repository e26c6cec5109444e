// The user's age identity: an X25519 secret key in a file of mode 0600, in the format the `age`
// CLI reads (`age -d -i FILE`). Post-quantum identities are not used: the age CLI cannot read them.
// Keys are made and read with the native age code, so loading an identity never loads age-encryption.
// A file that other users may open is reported (identityAccessProblem), never silently used.

import { statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyError } from '../errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { generateX25519Identity, x25519RecipientOf } from './age-x25519.js';

export interface UserIdentity {
  /** The file it was read from. */
  readonly file: string;
  /** `AGE-SECRET-KEY-1…` lines (an identity file may hold several). */
  readonly secretKeys: readonly string[];
  /** The public key of the first secret key: what others encrypt to. */
  readonly recipient: string;
}

/** Parse an age identity file: secret keys one per line, `#` comments and blank lines ignored. */
export function parseIdentityFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function loadIdentity(file: string): Promise<UserIdentity> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KeyError(`no identity at '${file}'`, { hint: "run 'git trace init' to create one, or set GIT_TRACE_IDENTITY to an age identity file" });
    }
    throw new KeyError(`cannot read identity '${file}': ${(error as Error).message}`);
  }
  const keys = parseIdentityFile(text);
  const x25519 = keys.filter((key) => key.startsWith('AGE-SECRET-KEY-1'));
  if (x25519.length === 0) {
    throw new KeyError(`no X25519 age identity in '${file}'`, { hint: "create one with 'age-keygen -o FILE' or 'git trace init'" });
  }
  let recipient: string;
  try {
    recipient = x25519RecipientOf(x25519[0] ?? '');
  } catch (error) {
    throw new KeyError(`malformed identity in '${file}'`, { cause: error, hint: 'the file must hold an AGE-SECRET-KEY-1… line' });
  }
  return { file, secretKeys: x25519, recipient };
}

/** Permission bits of group and others: any of them lets another user read or replace the key. */
const SHARED_ACCESS_BITS = 0o077;

export interface IdentityAccessProblem {
  /** What is wrong, naming the file and its mode. */
  readonly detail: string;
  /** The command that fixes it. */
  readonly fix: string;
}

/**
 * What is wrong with who may open the identity file; null when only its owner has access, when
 * the file cannot be read (loading it says why), and on Windows, whose file modes say nothing of
 * access.
 */
export function identityAccessProblem(file: string): IdentityAccessProblem | null {
  if (process.platform === 'win32') return null;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return null;
  }
  if ((mode & SHARED_ACCESS_BITS) === 0) return null;
  const what = (mode & 0o044) !== 0 ? 'can be read by other users' : (mode & 0o022) !== 0 ? 'can be changed by other users' : 'is open to other users';
  const quoted = /^[\w@%+=:,./-]+$/.test(file) ? file : `"${file.replace(/["\\$`]/g, '\\$&')}"`;
  return { detail: `identity '${file}' ${what} (mode ${mode.toString(8).padStart(4, '0')})`, fix: `chmod 600 ${quoted}` };
}

/**
 * Refuse to decrypt with an identity other users may open, as ssh refuses such a private key:
 * anyone who can read it reads every session. The error names the one command that fixes it.
 */
export function refuseSharedIdentity(file: string): void {
  const problem = identityAccessProblem(file);
  if (problem !== null) throw new KeyError(`${problem.detail}: git trace will not decrypt with it`, { hint: `run '${problem.fix}'` });
}

/** Tell `warn`, in one line naming the fix, when the identity file is open to other users. */
export function warnIfIdentityShared(file: string, warn: (message: string) => void): void {
  const problem = identityAccessProblem(file);
  if (problem !== null) warn(`${problem.detail}: run '${problem.fix}'`);
}

/** Load the identity, creating it (mode 0600) when the file does not exist. */
export async function ensureIdentity(file: string): Promise<{ identity: UserIdentity; created: boolean }> {
  try {
    return { identity: await loadIdentity(file), created: false };
  } catch (error) {
    if (!(error instanceof KeyError) || !error.message.startsWith('no identity at')) throw error;
  }
  const secret = generateX25519Identity();
  const recipient = x25519RecipientOf(secret);
  await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const text = `# created: ${new Date().toISOString()} by git-trace\n# public key: ${recipient}\n${secret}\n`;
  // 'wx': never overwrite an identity another process created a moment ago.
  try {
    await writeFile(file, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { identity: await loadIdentity(file), created: false };
    throw error;
  }
  await chmod(file, PRIVATE_FILE_MODE);
  return { identity: { file, secretKeys: [secret], recipient }, created: true };
}
