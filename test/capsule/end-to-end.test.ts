// The capsule's whole journey: a live session adds a failing test to a small library; the
// developer seals the episode; the maintainer, in a different clone, opens it, replays it
// (reproduces), fixes the library, and replays it against the fix (fixed).

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/repo.js';
import { AWS_KEY, cloneOf, ERROR_TEXT, FIXED, GITHUB_TOKEN, makeLibrary, TEST_JS, type Library } from './library.js';

const SESSION = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

interface ReplayJson {
  verdict: string;
  reason: string;
  base: { source: string };
  against: { commit: string } | null;
  evidence: { exitCode: number; matchedError: boolean | null; outputTail: string; expectedError: string | null };
  worktree: string | null;
}

describe('seal → open → replay in another clone', () => {
  let lib: Library;
  let scratch: string;
  let file: string;
  let clone: ReturnType<typeof cloneOf>;
  const asMaintainer = (): Record<string, string> => ({ GIT_TRACE_IDENTITY: lib.maintainer.file });

  before(async () => {
    lib = await makeLibrary(SESSION);
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-capsule-'));
    file = join(scratch, 'bug.capsule');
    clone = cloneOf(lib.upstream);
  });
  after(() => {
    clone.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    lib.cleanup();
  });

  test('seal writes a capsule to the recipient, with the failing command as its verdict', () => {
    const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--to', lib.maintainer.recipient, '--yes', '--json']);
    assert.equal(sealed.status, 0, sealed.stderr);
    assert.equal(sealed.stderr, '');
    const result = JSON.parse(sealed.stdout) as { capsule: string; verdict: { command: string; failure: { exitCode: number; errorLine: string } }; promptsIncluded: boolean; redactions: { atCapture: Record<string, number> }; files: string[] };
    assert.match(result.capsule, /^cap-[0-9a-f]{20}$/);
    assert.equal(result.verdict.command, 'node test.js');
    assert.deepEqual(result.verdict.failure, { exitCode: 1, errorLine: ERROR_TEXT });
    assert.equal(result.promptsIncluded, false);
    assert.deepEqual(result.files, ['cases.json', 'test.js']);
    assert.ok(existsSync(file));
  });

  test('opening with an identity other users can read is refused, naming the chmod', { skip: process.platform === 'win32' }, () => {
    const key = lib.maintainer.file;
    chmodSync(key, 0o644);
    try {
      const opened = runCli(['capsule', 'open', '--json', file], { cwd: clone.dir, env: asMaintainer() });
      assert.equal(opened.status, 1, opened.stderr);
      assert.equal(opened.stdout, '');
      assert.equal(opened.stderr, `error: identity '${key}' can be read by other users (mode 0644): git trace will not decrypt with it\nhint: run 'chmod 600 ${key}'\n`);
    } finally {
      chmodSync(key, 0o600);
    }
  });

  test('secrets stored unredacted are redacted at sealing, and counted', () => {
    const opened = runCli(['capsule', 'open', '--json', file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(opened.status, 0, opened.stderr);
    assert.ok(!opened.stdout.includes(AWS_KEY) && !opened.stdout.includes(GITHUB_TOKEN), 'no secret in the decrypted payload');
    assert.match(opened.stdout, /\[REDACTED:aws\]/);
    const { redactions } = JSON.parse(opened.stdout) as { redactions: { atSeal: Record<string, number>; atCapture: Record<string, number> } };
    assert.ok((redactions.atSeal['aws'] ?? 0) >= 1 && (redactions.atSeal['github'] ?? 0) >= 1, JSON.stringify(redactions));
    assert.deepEqual(redactions.atCapture, {});
  });

  test('--include-prompts sends the prompts (redacted) and the title', () => {
    const withPrompts = join(scratch, 'prompts.capsule');
    const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', withPrompts, '--to', lib.maintainer.recipient, '--yes', '--include-prompts']);
    assert.equal(sealed.status, 0, sealed.stderr);
    const opened = JSON.parse(runCli(['capsule', 'open', '--json', withPrompts], { cwd: clone.dir, env: asMaintainer() }).stdout) as { intent: { included: boolean; prompts: { text: string }[] }; session: { title: string }; slice: { steps: { kind: string; text?: string }[] } };
    assert.equal(opened.intent.included, true);
    assert.equal(opened.intent.prompts[0]?.text, 'add a test for sum() using cases.json; my token is [REDACTED:github]');
    assert.match(opened.session.title, /^add a test for sum\(\)/);
    assert.equal(opened.slice.steps.find((s) => s.kind === 'prompt')?.text, opened.intent.prompts[0]?.text);
  });

  test('open, in the other clone, shows the intent, what happened, the failing step and the verdict', () => {
    const opened = runCli(['capsule', 'open', file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(opened.status, 0, opened.stderr);
    assert.equal(opened.stderr, '');
    const text = opened.stdout;
    assert.match(text, /^capsule cap-[0-9a-f]{20}$/m);
    assert.match(text, /Verdict:\s+node test\.js: fails with exit 1 and "AssertionError \[ERR_ASSERTION\]: sum of \[1, 2, 3\] should be 6"/);
    assert.match(text, /Intent\n\s+1 prompt, left out by the sender/);
    assert.match(text, /What happened\n[\s\S]*tool\s+Write <repo>\/test\.js → ok/);
    assert.match(text, /The failing step\n[\s\S]*Status:\s+error, exit 1/);
    assert.doesNotMatch(text, new RegExp(lib.dev.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), "the sender's paths are scrubbed");
    const json = runCli(['capsule', 'open', '--json', file], { cwd: clone.dir, env: asMaintainer() });
    const parsed = JSON.parse(json.stdout) as { version: number; header: { id: string }; verdict: { command: string }; intent: { included: boolean; promptCount: number }; slice: { failingStep: number } };
    assert.equal(parsed.version, 1);
    assert.equal(parsed.verdict.command, 'node test.js');
    assert.deepEqual([parsed.intent.included, parsed.intent.promptCount], [false, 1]);
  });

  test('replay in the other clone reproduces the failure, from its own copy of the base commit', () => {
    const before = [clone.git('rev-parse', 'HEAD'), clone.git('status', '--porcelain'), clone.git('for-each-ref'), clone.git('worktree', 'list')];
    const replayed = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.equal(replayed.stderr, '');
    const r = JSON.parse(replayed.stdout) as ReplayJson;
    assert.equal(r.verdict, 'reproduces', r.reason);
    assert.equal(r.base.source, 'local');
    assert.equal(r.evidence.exitCode, 1);
    assert.equal(r.evidence.matchedError, true);
    assert.match(r.evidence.outputTail, /sum of \[1, 2, 3\] should be 6/);
    assert.deepEqual([clone.git('rev-parse', 'HEAD'), clone.git('status', '--porcelain'), clone.git('for-each-ref'), clone.git('worktree', 'list')], before, "the clone's HEAD, work tree, refs and worktrees are as they were");
  });

  test('after a commit that fixes the library, replay --against it says fixed; against the base it still reproduces', () => {
    const fix = (() => {
      clone.git('config', 'user.name', 'Maintainer');
      clone.git('config', 'user.email', 'maintainer@example.com');
      writeFileSync(join(clone.dir, 'lib.js'), FIXED);
      clone.git('commit', '-q', '-am', 'sum adds');
      return clone.git('rev-parse', 'HEAD').trim();
    })();
    const fixed = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', '--against', fix, file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(fixed.status, 0, fixed.stderr);
    const r = JSON.parse(fixed.stdout) as ReplayJson;
    assert.equal(r.verdict, 'fixed', r.reason);
    assert.equal(r.against?.commit, fix);
    assert.equal(r.evidence.exitCode, 0);
    const still = JSON.parse(runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', file], { cwd: clone.dir, env: asMaintainer() }).stdout) as ReplayJson;
    assert.equal(still.verdict, 'reproduces');
    const text = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--against', 'HEAD', file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^fixed: the command passes \(exit 0\)$/m);
    assert.match(text.stdout, /re-posed on HEAD/);
  });

  test('--against a commit that already carries the new test merges cleanly; one that rewrote it differently is inconclusive', () => {
    writeFileSync(join(clone.dir, 'test.js'), TEST_JS);
    writeFileSync(join(clone.dir, 'cases.json'), '[[1, 2, 3], 6]\n');
    clone.git('add', '-A');
    clone.git('commit', '-q', '-m', 'the test from the capsule');
    const carried = JSON.parse(runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', '--against', 'HEAD', file], { cwd: clone.dir, env: asMaintainer() }).stdout) as ReplayJson;
    assert.equal(carried.verdict, 'fixed', carried.reason);
    writeFileSync(join(clone.dir, 'test.js'), "console.log('rewritten');\n");
    clone.git('commit', '-q', '-am', 'rewrite the test');
    const rewritten = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', '--against', 'HEAD', file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(rewritten.status, 1, 'inconclusive exits 1');
    const r = JSON.parse(rewritten.stdout) as ReplayJson;
    assert.equal(r.verdict, 'inconclusive');
    assert.match(r.reason, /do not merge onto HEAD: conflicts in test\.js/);
    assert.equal(clone.git('worktree', 'list').trim().split('\n').length, 1, 'the temporary worktree is gone');
  });

  test('--keep leaves the rebuilt work tree where asked, with the episode in it', () => {
    const keep = join(scratch, 'kept');
    const kept = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', '--keep', keep, file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(kept.status, 0, kept.stderr);
    assert.equal((JSON.parse(kept.stdout) as ReplayJson).worktree, keep);
    assert.equal(readFileSync(join(keep, 'cases.json'), 'utf8'), '[[1, 2, 3], 6]\n');
    assert.match(readFileSync(join(keep, 'test.js'), 'utf8'), /should be 6/);
    clone.git('worktree', 'remove', '--force', keep);
  });

  test('without a terminal and without --yes, replay refuses and runs nothing', () => {
    const refused = runCli(['capsule', 'replay', file], { cwd: clone.dir, env: asMaintainer() });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^error: refusing to run the capsule's command without consent/m);
    assert.equal(refused.stdout, '');
  });
});
