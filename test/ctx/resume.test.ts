// resume ID@N: the packet to continue from step N (goal, done, failed, undone, tests, files), and
// context: earlier sessions relevant to files or a branch, silent when none is.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { errorLine, isTestCommand, shellCommand } from '../../lib/ctx/tool-facts.js';
import type { ResumePacket } from '../../lib/ctx/resume.js';
import { runCli, tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { playWorkSession, WORK_FILES, WORK_PROMPT, WORK_TOKEN, type WorkSession } from './work-session.js';

const SESSION = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';

describe('resume and context', () => {
  let r: TempRepo;
  let work: WorkSession;

  before(() => {
    testIdentityFile();
    r = tempRepo(WORK_FILES);
    assert.equal(r.trace(['init']).status, 0);
    work = playWorkSession(r, SESSION);
  });
  after(() => r.cleanup());

  function packet(spec: string): ResumePacket {
    const result = r.trace(['resume', '--json', spec]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return JSON.parse(result.stdout) as ResumePacket;
  }

  test('at the failing run: the goal, the edit, the failure and the failing test', () => {
    const p = packet(`${SESSION}@${work.steps.failingRun}`);
    assert.equal(p.step, work.steps.failingRun);
    assert.deepEqual(p.goal.prompts.map((g) => g.text), [WORK_PROMPT]);
    assert.ok(p.done.items.some((d) => d.step === work.steps.edit && d.files.includes('src/parse.js')));
    assert.deepEqual(p.failed.map((f) => [f.step, f.what, f.exitCode, f.laterPassed]), [[work.steps.failingRun, 'node --test', 1, false]]);
    assert.equal(p.failed[0]?.error, 'not ok 1 - parse trims');
    assert.deepEqual(p.tests, [{ command: 'node --test', step: work.steps.failingRun, exitCode: 1, passed: false }]);
    assert.deepEqual(p.abandoned.items, []);
  });

  test('at the end: the failure passed later, the debug line and the scratch file were undone, the files ranked', () => {
    const p = packet(SESSION);
    assert.equal(p.step, work.steps.last);
    assert.equal(p.failed[0]?.laterPassed, true);
    assert.deepEqual(p.tests, [{ command: 'node --test', step: work.steps.passingRun, exitCode: 0, passed: true }]);
    assert.deepEqual(
      p.abandoned.items.map((a) => [a.step, a.path, a.undoneBy, a.detail]),
      [
        [work.steps.edit, 'src/parse.js', work.steps.cleanup, '1 of its 2 added lines was removed again'],
        [work.steps.scratch, 'scratch.txt', work.steps.removeScratch, 'created, then deleted'],
      ],
    );
    const after = p.abandoned.survival;
    assert.ok(after.known, 'track judges the patches at HEAD');
    assert.equal(after.ref, 'HEAD');
    assert.ok(after.notWhole.every((s) => s.step <= p.step && ['reverted', 'lost', 'partial'].includes(s.state)), JSON.stringify(after.notWhole));
    assert.ok(after.notWhole.some((s) => s.step === work.steps.edit && s.state === 'lost'), 'the uncommitted edit has not landed');
    assert.deepEqual(p.files.slice(0, 3), [
      { path: 'src/parse.js', changed: 2, read: 0 },
      { path: 'src/util.js', changed: 0, read: 1 },
      { path: 'scratch.txt', changed: 2, read: 0 },
    ]);
  });

  test('the text packet reads as Markdown, with the way back to the tree, and secrets redacted on the way out', () => {
    const result = r.trace(['resume', `${SESSION}@${work.steps.last}`]);
    assert.equal(result.status, 0, result.stderr);
    const text = result.stdout;
    for (const heading of ['## Goal', '## Done', '## Failed', '## Tried and abandoned', '## Tests', '## Files that matter', '## Where it stopped', '## To continue']) assert.ok(text.includes(heading), heading);
    assert.match(text, /^- After the session, at HEAD \([0-9a-f]{12}\): /m);
    assert.match(text, new RegExp(`git trace checkout ${SESSION}@${work.steps.last}`));
    assert.ok(!text.includes(WORK_TOKEN), 'the token is redacted');
    assert.match(text, /\[REDACTED:github\]/);
    assert.ok(Buffer.byteLength(text) < 6000, 'compact');
  });

  test('resume takes one step, not a range', () => {
    const result = r.trace(['resume', `${SESSION}@1..3`]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /resume takes one step, not a range/);
  });

  test('context --files names the sessions that changed or read them', () => {
    const result = r.trace(['context', '--files', 'src/parse.js', 'src/util.js']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const text = result.stdout;
    assert.match(text, /^Context from earlier agent sessions in this repository \(git-trace\):$/m);
    assert.match(text, new RegExp(`^- Session ${SESSION} \\(claude-code, ended .*\\): ${WORK_PROMPT.replace(/[()]/g, '\\$&')}$`, 'm'));
    assert.match(text, new RegExp(`^  src/parse\\.js: changed at #${work.steps.edit}, #${work.steps.cleanup}$`, 'm'));
    assert.match(text, new RegExp(`^  src/util\\.js: read at #${work.steps.read}$`, 'm'));
    assert.match(text, new RegExp(`^  undone: #${work.steps.edit} src/parse\\.js: 1 of its 2 added lines was removed again by #${work.steps.cleanup}$`, 'm'));
    assert.match(text, new RegExp(`^  more: git trace resume ${SESSION}@${work.steps.last}$`, 'm'));
  });

  test('context is silent when nothing is relevant, and bounded when something is', () => {
    r.commit('the session\'s work');
    const outside = mkdtempSync(join(tmpdir(), 'git-trace-not-a-repo-'));
    try {
      const rows: [string, string[], string][] = [
        ['an unrelated file', ['context', '--files', 'README.md'], r.dir],
        ['the session itself excluded', ['context', '--exclude', SESSION, '--files', 'src/parse.js'], r.dir],
        ['a clean tree on main', ['context'], r.dir],
        ['a branch no session ran on', ['context', '--branch', 'other'], r.dir],
        ['outside any repository', ['context', '--files', 'src/parse.js'], outside],
      ];
      for (const [label, args, cwd] of rows) {
        const result = runCli(args, { cwd });
        assert.deepEqual([result.status, result.stdout, result.stderr], [0, '', ''], label);
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    writeFileSync(join(r.dir, 'src', 'parse.js'), 'changed by hand\n');
    const implicit = r.trace(['context']);
    assert.equal(implicit.status, 0, implicit.stderr);
    assert.match(implicit.stdout, /src\/parse\.js: changed at/, 'uncommitted files are the default question');
    const bounded = r.trace(['context', '--max-bytes', '300', '--files', 'src']);
    assert.ok(Buffer.byteLength(bounded.stdout) <= 300, `${Buffer.byteLength(bounded.stdout)} bytes`);
    const byBranch = r.trace(['context', '--branch', 'main', '--json', '--files', 'README.md']);
    const json = JSON.parse(byBranch.stdout) as { sessions: { id: string; why: string }[] };
    assert.deepEqual(json.sessions.map((s) => [s.id, s.why]), [[SESSION, 'branch']]);
  });
});

describe('tool facts', () => {
  test('the shell command of each agent\'s shell tool', () => {
    const tool = (name: string, input: unknown) => ({ v: 1, id: 't', kind: 'tool', timestamp: null, tool: { name, input, status: 'ok' } }) as const;
    const rows: [string, unknown, string | null][] = [
      ['Bash', { command: 'npm test' }, 'npm test'],
      ['shell', { command: ['bash', '-lc', 'cargo test'] }, 'cargo test'],
      ['shell', { command: ['rg', 'a b'] }, "rg 'a b'"],
      ['exec_command', { cmd: 'pytest -q' }, 'pytest -q'],
      ['run_shell_command', { command: 'go test ./...' }, 'go test ./...'],
      ['Read', { command: 'x' }, null],
    ];
    for (const [name, input, expected] of rows) assert.equal(shellCommand(tool(name, input)), expected, name);
  });

  test('test commands and error lines are recognised', () => {
    for (const yes of ['npm test', 'node --test', 'pytest -q', 'go test ./...', 'cargo test', 'node test.js', 'yarn test --watch=false', 'make check', 'npx vitest run']) assert.ok(isTestCommand(yes), yes);
    for (const no of ['ls', 'git status', 'node build.js', 'cat testdata.txt']) assert.ok(!isTestCommand(no), no);
    const rows: [string, string | null][] = [
      ['Exit code 1\nnode:assert:90\n  throw new AssertionError(obj);\n\nAssertionError [ERR_ASSERTION]: sum should be 6\n    at x', 'AssertionError [ERR_ASSERTION]: sum should be 6'],
      ['Traceback (most recent call last):\n  File "t.py"\nValueError: bad', 'Traceback (most recent call last):'],
      ['all good', null],
      ['--- FAIL: TestSum (0.00s)', '--- FAIL: TestSum (0.00s)'],
    ];
    for (const [output, expected] of rows) assert.equal(errorLine(output), expected, output);
  });
});
