// checkout ID@N rebuilds, in a new worktree, exactly the tree that was on disk after step N of a
// live-captured session: compared with trees the test itself wrote at the same moments.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { ClaudePlay, shownSteps, stepOfCall, treeOf, type ShownStep } from '../capsule/play.js';

const SESSION = '6a1f3c2e-0d4b-4f8a-9c1e-2b3d4e5f6a7b';

describe('checkout ID@N', () => {
  let r: TempRepo;
  let steps: ShownStep[];
  const trees = new Map<string, string>();
  let startTree = '';
  const made: string[] = [];
  const worktrees: string[] = [];

  before(() => {
    testIdentityFile();
    r = tempRepo({ 'src/a.js': 'one\ntwo\nthree\n', 'src/b.js': 'b\n', 'src/old name.txt': 'moving\n', 'doc/keep.md': '# keep\n' });
    assert.equal(r.trace(['init']).status, 0);
    // Uncommitted work before the session: a modified file, a staged new one, an untracked one.
    r.write({ 'src/b.js': 'b changed before the session\n', 'staged.txt': 'staged\n', 'untracked.txt': 'untracked\n' });
    r.git('add', 'staged.txt');
    const play = new ClaudePlay(r, SESSION);
    play.start('rework a.js, add c.js, drop b.js, rename the text file');
    startTree = treeOf(r.dir);
    const file = (p: string): string => join(r.dir, p);
    const calls: [string, () => void][] = [
      ['edit', () => writeFileSync(file('src/a.js'), 'one\n2\nthree\nfour\n')],
      ['create', () => writeFileSync(file('src/c.js'), 'export const c = 3;\n')],
      ['delete', () => unlinkSync(file('src/b.js'))],
      ['rename', () => renameSync(file('src/old name.txt'), file('src/new name.txt'))],
      ['nothing', () => undefined],
      ['edit-again', () => writeFileSync(file('src/a.js'), 'one\n2\nthree\nfour\nfive\n')],
    ];
    for (const [label, act] of calls) {
      const id = play.tool('Bash', { command: `# ${label}` }, act, { output: '' });
      trees.set(id, treeOf(r.dir));
    }
    play.reply('done');
    play.finish();
    steps = shownSteps(r, SESSION);
  });
  /** A folder for a worktree to be made in; it and its parent are removed afterwards. */
  function newDir(): string {
    const parent = mkdtempSync(join(tmpdir(), 'git-trace-co-'));
    made.push(parent);
    const dir = join(parent, 'tree');
    worktrees.push(dir);
    return dir;
  }

  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
    r.cleanup();
  });

  test('the tree after each step equals the one on disk at that moment', () => {
    assert.equal(trees.size, 6);
    for (const [callId, expected] of trees) {
      const n = stepOfCall(steps, callId);
      const dir = newDir();
      const result = r.trace(['checkout', '--json', '--worktree', dir, `${SESSION}@${n}`]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
      const json = JSON.parse(result.stdout) as { worktree: string; failed: number; step: number };
      assert.deepEqual([json.worktree, json.failed, json.step], [dir, 0, n]);
      assert.equal(treeOf(dir), expected, `tree after step ${n} (${callId})`);
    }
  });

  test('the prompt step, before any tool ran, is the starting state (uncommitted work included)', () => {
    const prompt = steps.find((s) => s.kind === 'prompt');
    assert.ok(prompt !== undefined);
    const dir = newDir();
    const result = r.trace(['checkout', '--worktree', dir, `${SESSION}@${prompt.index}`]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Checked out session .* after step \d+ in /);
    assert.equal(treeOf(dir), startTree);
    assert.equal(readFileSync(join(dir, 'untracked.txt'), 'utf8'), 'untracked\n');
  });

  test("the user's work tree, index, HEAD and branches are untouched; the worktree is a detached one", () => {
    assert.equal(readFileSync(join(r.dir, 'src/a.js'), 'utf8'), 'one\n2\nthree\nfour\nfive\n');
    assert.equal(r.git('rev-parse', '--abbrev-ref', 'HEAD').trim(), 'main');
    assert.equal(r.git('diff', '--cached', '--name-only').trim(), 'staged.txt');
    assert.equal(r.git('branch', '--list').trim(), '* main');
    const list = r.git('worktree', 'list', '--porcelain');
    assert.ok(worktrees.every((dir) => list.includes(`worktree ${dir}`)));
    assert.equal((list.match(/^detached$/gm) ?? []).length, worktrees.length);
  });

  test('without --worktree it makes a temporary folder and says where', () => {
    const result = r.trace(['checkout', '--json', `${SESSION}@1`]);
    assert.equal(result.status, 0, result.stderr);
    const { worktree } = JSON.parse(result.stdout) as { worktree: string };
    made.push(worktree);
    worktrees.push(worktree);
    assert.ok(existsSync(join(worktree, 'src', 'a.js')));
  });

  test('a session of a steps file that names no base commit: said plainly, with --base to name one', () => {
    const imported = r.trace(['import', '--format', 'steps', join(FIXTURES, 'steps', 'small-session.jsonl')]);
    assert.equal(imported.status, 0, imported.stderr);
    const result = r.trace(['checkout', 'fixture-session-1@3']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: session 'fixture-session-1' has no base commit$/m);
    assert.match(result.stderr, /^hint: its agent recorded none and none could be inferred at import; name one with --base REV$/m);
  });

  test('bad specs are usage errors; a step past the end is not found', () => {
    const rows: [string[], number, RegExp][] = [
      [['checkout', SESSION], 2, /name a step/],
      [['checkout', `${SESSION}@x`], 2, /cannot read 'x' as a step number/],
      [['checkout', `${SESSION}@999`], 1, /has no step 999/],
      [['checkout', 'nope@1'], 1, /no session 'nope'/],
    ];
    for (const [args, code, message] of rows) {
      const result = r.trace(args);
      assert.equal(result.status, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
