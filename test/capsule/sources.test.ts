// Where replay finds the base commit: the local repository, else the capsule's bundle, else a
// remote the capsule names; and a clear error when none has it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/repo.js';
import { cloneOf, makeLibrary, sh, type Library } from './library.js';
import { ClaudePlay } from './play.js';

const SESSION = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const UNPUSHED = '3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a';

describe('replay finds the base commit', () => {
  let lib: Library;
  let scratch: string;
  let bundled: string;
  let plain: string;
  const made: string[] = [];

  before(async () => {
    lib = await makeLibrary(SESSION);
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-sources-'));
    bundled = join(scratch, 'bundled.capsule');
    plain = join(scratch, 'plain.capsule');
    for (const [file, extra] of [[bundled, ['--bundle']], [plain, []]] as const) {
      const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--to', lib.maintainer.recipient, '--yes', ...extra]);
      assert.equal(sealed.status, 0, sealed.stderr);
      assert.equal(sealed.stderr, '', 'the base is on origin: no warning');
    }
  });
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    lib.cleanup();
  });

  function replayIn(dir: string, file: string): { verdict: string; reason: string; base: { source: string } } {
    const result = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', file], { cwd: dir, env: { GIT_TRACE_IDENTITY: lib.maintainer.file } });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as { verdict: string; reason: string; base: { source: string } };
  }

  function emptyRepo(): string {
    const dir = mkdtempSync(join(scratch, 'empty-'));
    execFileSync('git', ['init', '-q', dir]);
    return dir;
  }

  function notARepo(): string {
    const parent = mkdtempSync(join(tmpdir(), 'git-trace-norepo-'));
    made.push(parent);
    const dir = join(parent, 'here');
    mkdirSync(dir);
    return dir;
  }

  const rows: [string, () => string, () => string, string][] = [
    ['a repository without the commit, with a bundle: the bundle', emptyRepo, () => bundled, 'bundle'],
    ['outside any repository, with a bundle: the bundle', notARepo, () => bundled, 'bundle'],
    ['a repository without the commit, no bundle: the remote', emptyRepo, () => plain, 'remote'],
    ['outside any repository, no bundle: the remote', notARepo, () => plain, 'remote'],
  ];
  for (const [title, where, file, source] of rows) {
    test(title, () => {
      const dir = where();
      const r = replayIn(dir, file());
      assert.deepEqual([r.verdict, r.base.source], ['reproduces', source], r.reason);
    });
  }

  test('a base commit on no remote: sealing warns, and replay elsewhere says where to get it', () => {
    lib.dev.commit('local only', { 'NOTES.md': 'not pushed\n' });
    const play = new ClaudePlay(lib.dev, UNPUSHED);
    play.start('run the test again');
    const run = sh('node test.js', lib.dev.dir);
    play.tool('Bash', { command: 'node test.js' }, () => undefined, { output: run.output, exitCode: run.code });
    play.finish();
    const file = join(scratch, 'unpushed.capsule');
    const sealed = lib.dev.trace(['capsule', 'seal', UNPUSHED, '-o', file, '--to', lib.maintainer.recipient, '--yes']);
    assert.equal(sealed.status, 0, sealed.stderr);
    assert.match(sealed.stderr, /^warning: the base commit [0-9a-f]{12} is on no remote: the receiver needs it in their clone, or seal with --bundle$/m);
    const clone = cloneOf(lib.upstream);
    try {
      const result = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, file], { cwd: clone.dir, env: { GIT_TRACE_IDENTITY: lib.maintainer.file } });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^error: the base commit [0-9a-f]{12} is not in this repository$/m);
      assert.match(result.stderr, /^hint: replay inside a clone that has it, or ask the sender to seal with --bundle$/m);
    } finally {
      clone.cleanup();
    }
  });
});
