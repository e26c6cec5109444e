// A small library with a bug, a live session that adds a failing test for it, and the clones
// around it: the upstream (bare), the developer's clone where the session ran, and helpers to
// make the maintainer's clone. Shared by the capsule tests.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureIdentity } from '../../lib/crypto/identity.js';
import { keyFingerprint, loadSigningKey } from '../../lib/crypto/signing.js';
import { signingKeyFileFor } from '../../lib/settings.js';
import { pinEnvironment, tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { ClaudePlay } from './play.js';

export const BUGGY = 'exports.sum = (xs) => xs.reduce((a, b) => a - b, 0);\n';
export const FIXED = 'exports.sum = (xs) => xs.reduce((a, b) => a + b, 0);\n';
export const TEST_JS = "const assert = require('node:assert');\nconst { sum } = require('./lib.js');\nconst [input, expected] = require('./cases.json');\nassert.equal(sum(input), expected, 'sum of [1, 2, 3] should be 6');\nconsole.log('ok');\n";
export const ERROR_TEXT = 'AssertionError [ERR_ASSERTION]: sum of [1, 2, 3] should be 6';
/** Secrets the session saw; capture runs with redaction off, so only egress redaction stands between them and a capsule. */
export const GITHUB_TOKEN = 'ghp_R8fK2mQ9xV4tL7nB3cW6yH1jD5sA0eZuPqXo';
export const AWS_KEY = 'AKIAQ3EGUWBZ7XKPLM2N';
export const PROMPT = `add a test for sum() using cases.json; my token is ${GITHUB_TOKEN}`;

export interface Library {
  readonly upstream: string;
  readonly dev: TempRepo;
  readonly sessionId: string;
  /** The developer's signing key (the capsule's signer) and its fingerprint, for --trust-signer. */
  readonly sender: { readonly signingKey: string; readonly fingerprint: string };
  /** The maintainer's identity file and public key (the capsule's recipient). */
  readonly maintainer: { readonly file: string; readonly recipient: string };
  cleanup(): void;
}

/** Run a command, returning its exit code and combined output, as the agent's Bash tool would. */
export function sh(command: string, cwd: string): { code: number; output: string } {
  const r = spawnSync('/bin/sh', ['-c', `${command} 2>&1`], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, output: r.stdout };
}

/**
 * The developer's repository and session. Captured through the hooks by default; with
 * `capture: 'import'`, the session is imported from its transcript afterwards (no base commit
 * recorded: it is inferred), and the test data is committed first, since an import does not see
 * the uncommitted state the session started from.
 */
export async function makeLibrary(sessionId: string, capture: 'hooks' | 'import' = 'hooks'): Promise<Library> {
  const devIdentity = testIdentityFile();
  const home = pinEnvironment();
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-upstream-'));
  const upstream = join(scratch, 'upstream.git');
  execFileSync('git', ['init', '-q', '--bare', upstream]);
  const dev = tempRepo({ 'lib.js': BUGGY, 'README.md': '# sum\n' });
  dev.git('remote', 'add', 'origin', upstream);
  dev.git('push', '-q', '-u', 'origin', 'main');
  assert.equal(dev.trace(['init']).status, 0);
  dev.git('config', 'trace.redact', 'false');
  // Uncommitted when the session starts: the test data the new test reads.
  dev.write({ 'cases.json': '[[1, 2, 3], 6]\n' });
  if (capture === 'import') {
    dev.commit('test data');
    dev.git('push', '-q', 'origin', 'main');
  }
  const play = new ClaudePlay(dev, sessionId, capture);
  play.start(PROMPT);
  play.reasoning('Write test.js, then run it.');
  play.tool('Write', { file_path: join(dev.dir, 'test.js'), content: TEST_JS }, () => writeFileSync(join(dev.dir, 'test.js'), TEST_JS), { output: `File created successfully at: ${join(dev.dir, 'test.js')}` });
  const run = sh('node test.js', dev.dir);
  assert.equal(run.code, 1, 'the test fails on the buggy library');
  play.tool('Bash', { command: 'node test.js', description: 'Run the new test' }, () => undefined, { output: run.output, exitCode: run.code });
  play.reply(`The new test fails: sum() subtracts instead of adding. (The CI key ${AWS_KEY} is unrelated.)`);
  play.finish();
  dev.git('config', '--unset', 'trace.redact');
  const maintainerFile = join(home, 'maintainer-identity.txt');
  const { identity } = await ensureIdentity(maintainerFile);
  const { publicKey } = await loadSigningKey(signingKeyFileFor(devIdentity));
  return {
    upstream,
    dev,
    sessionId,
    sender: { signingKey: publicKey, fingerprint: keyFingerprint(publicKey) },
    maintainer: { file: maintainerFile, recipient: identity.recipient },
    cleanup: () => {
      dev.cleanup();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** A fresh clone of the upstream, as the maintainer would have. */
export function cloneOf(upstream: string): { dir: string; git: (...args: string[]) => string; cleanup: () => void } {
  const parent = mkdtempSync(join(tmpdir(), 'git-trace-clone-'));
  const dir = join(parent, 'clone');
  execFileSync('git', ['clone', '-q', upstream, dir]);
  return {
    dir,
    git: (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }),
    cleanup: () => rmSync(parent, { recursive: true, force: true }),
  };
}
