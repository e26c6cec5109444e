// The pieces a capsule is made of, on their own: choosing the slice and the verdict, scrubbing
// paths and names, keeping patch paths inside the repository, splitting a multi-file diff.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isInsideRepo } from '../../capsule/payload.js';
import { makeScrubber, scrubText, withoutCredentials } from '../../lib/egress/scrub.js';
import { chooseSlice, STEPS_AFTER, STEPS_BEFORE } from '../../capsule/slice.js';
import { UsageError } from '../../lib/errors.js';
import type { IndexedStep } from '../../lib/model/step.js';
import { parseStepSpec } from '../../lib/replay/step-spec.js';
import { splitUnifiedDiff } from '../../lib/replay/unified.js';

function steps(kinds: readonly string[]): IndexedStep[] {
  return kinds.map((k, index): IndexedStep => {
    const timestamp = `2026-11-21T10:${String(index).padStart(2, '0')}:00Z`;
    if (k === 'fail' || k === 'ok') return { v: 1, id: `s${index}`, index, kind: 'tool', timestamp, tool: { name: 'Bash', input: { command: `cmd${index}` }, output: k === 'fail' ? `TypeError: broke at ${index}` : 'fine', status: k === 'fail' ? 'error' : 'ok', exitCode: k === 'fail' ? 2 : 0 } };
    if (k === 'edit-fail') return { v: 1, id: `s${index}`, index, kind: 'tool', timestamp, tool: { name: 'Edit', input: {}, output: 'no match', status: 'error' } };
    return { v: 1, id: `s${index}`, index, kind: 'message', timestamp, text: 'x' };
  });
}

describe('choosing the slice and the verdict', () => {
  const session = steps(['msg', 'fail', 'msg', 'ok', 'msg', 'msg', 'msg', 'msg', 'msg', 'msg', 'msg', 'fail', 'msg', 'msg', 'msg', 'msg']);
  const request = (spec: string, extra: object = {}) => ({ spec: parseStepSpec(spec), repoRoot: '/r', sessionCwd: '/r/sub', ...extra });

  test('by default: the last failed tool result, with a few steps around it', () => {
    const c = chooseSlice(session, request('s'));
    assert.deepEqual([c.from, c.to, c.failingStep], [11 - STEPS_BEFORE, 11 + STEPS_AFTER, 11]);
    assert.deepEqual(c.verdict, { command: 'cmd11', source: 'step', step: 11, cwd: 'sub', stateAfter: 10, failure: { exitCode: 2, errorLine: 'TypeError: broke at 11' } });
  });

  test('a range bounds the search for the failing step', () => {
    const c = chooseSlice(session, request('s@0..5'));
    assert.deepEqual([c.from, c.to, c.failingStep, c.verdict.command], [0, 5, 1, 'cmd1']);
  });

  test('--step names the failing step; --test and --expect name the verdict', () => {
    const named = chooseSlice(session, request('s', { step: 1 }));
    assert.deepEqual([named.failingStep, named.verdict.command], [1, 'cmd1']);
    const tested = chooseSlice(session, request('s@3..9', { test: 'npm test', expect: 'boom' }));
    assert.deepEqual([tested.failingStep, tested.verdict.stateAfter, tested.verdict.source, tested.verdict.failure], [null, 9, 'flag', { exitCode: null, errorLine: 'boom' }]);
  });

  test('a failing step that is not a command takes the last failed command before it', () => {
    const c = chooseSlice(steps(['fail', 'msg', 'edit-fail']), request('s'));
    assert.deepEqual([c.failingStep, c.verdict.step, c.verdict.command, c.verdict.stateAfter], [2, 0, 'cmd0', -1]);
  });

  test('no failure and no --test is a usage error that says what to give', () => {
    assert.throws(() => chooseSlice(steps(['msg', 'ok']), request('s')), (e: unknown) => e instanceof UsageError && /no failed command in steps 0\.\.1/.test(e.message) && /--test CMD/.test(e.hint ?? ''));
    assert.throws(() => chooseSlice(session, request('s@0..5', { step: 9 })), /step 9 is not in steps 0\.\.5/);
  });
});

describe('scrubbing', () => {
  const scrubber = makeScrubber({ roots: ['/home/ada/work/proj'], home: '/home/ada', userNames: ['ada', 'Ada Lovelace', 'ada@example.com', 'root'] });
  const rows: [string, string, Record<string, number>][] = [
    ['/home/ada/work/proj/src/a.ts:3', '<repo>/src/a.ts:3', { 'repo-path': 1 }],
    ['cd /home/ada/work/proj-other', 'cd ~/work/proj-other', { 'home-path': 1 }],
    ['see /Users/bob/x and /home/carol', 'see ~/x and ~', { 'home-path': 2 }],
    ['Author: Ada Lovelace <ada@example.com>', 'Author: [user] <[user]>', { 'user-name': 2 }],
    ['as root: chmod', 'as root: chmod', {}],
    ['adapter ada_x and ada', 'adapter ada_x and [user]', { 'user-name': 1 }],
  ];
  for (const [input, output, counts] of rows) {
    test(`'${input}'`, () => {
      const seen: Record<string, number> = {};
      assert.equal(scrubText(input, scrubber, seen), output);
      assert.deepEqual(seen, counts);
    });
  }
  test('credentials leave remote URLs', () => {
    assert.equal(withoutCredentials('https://ada:ghp_x@github.com/o/r.git'), 'https://github.com/o/r.git');
    assert.equal(withoutCredentials('git@github.com:o/r.git'), 'git@github.com:o/r.git');
  });
});

describe('patch paths and multi-file diffs', () => {
  test('paths that leave the repository are refused', () => {
    for (const good of ['a.js', 'src/a b.ts', '.', '.github/x.yml']) assert.ok(isInsideRepo(good), good);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', '.git/config', 'a/.GIT/hooks', 'C:x', 'a\\b']) assert.ok(!isInsideRepo(bad), bad);
  });

  test('a start-state diff splits into one patch per file, honouring hunk lengths', () => {
    const text = [
      '--- a/q.sql', '+++ b/q.sql', '@@ -1,2 +1,2 @@', '--- a comment', '+-- a new comment', ' select 1;',
      '--- /dev/null', '+++ b/new.txt', '@@ -0,0 +1 @@', '+hello',
      '--- a/gone.txt', '+++ /dev/null', '@@ -1 +0,0 @@', '-bye',
      '--- a/old name.txt', '+++ b/new name.txt', '@@ -1 +1 @@', '-x', '+y',
      'Binary files a/img.png and b/img.png differ', '',
    ].join('\n');
    const patches = splitUnifiedDiff(text);
    assert.deepEqual(patches.map((p) => [p.path, p.op, p.oldPath]), [['q.sql', 'modify', undefined], ['new.txt', 'add', undefined], ['gone.txt', 'delete', undefined], ['new name.txt', 'rename', 'old name.txt'], ['img.png', undefined, undefined]]);
    assert.equal(patches[0]?.diff, '--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n--- a comment\n+-- a new comment\n select 1;\n');
  });
});
