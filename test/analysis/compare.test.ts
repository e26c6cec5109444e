// git trace compare: the same task (fix sum()) done by two scripted sessions: A fails a test first
// and fixes one line; B reads first, rewrites the function and adds notes. compare reports the
// numbers of the scenario (steps, tools, failures, tokens, cost, wall time), the files both or
// one of them changed, and the diff between their rebuilt end states; a session whose base this
// clone lacks falls back to comparing patches, and says so.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { costOfUsage } from '../../lib/analysis/cost.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const BUGGY = 'exports.sum = (xs) => xs.reduce((a, b) => a - b, 0);\n';
const FIX_A = 'exports.sum = (xs) => xs.reduce((a, b) => a + b, 0);\n';
const FIX_B = 'exports.sum = (xs) => {\n  let total = 0;\n  for (const x of xs) total += x;\n  return total;\n};\n';
const NOTES = '# notes\n\nsum() subtracted.\n';
const MODEL = 'claude-sonnet-4-5';
const USAGE_A = { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 5000, cacheWriteTokens: 800 };
const USAGE_B = { inputTokens: 3000, outputTokens: 900, cacheReadTokens: 0, cacheWriteTokens: 0 };

type Line = Record<string, unknown>;
const at = (m: number): string => `2026-11-01T10:${String(m).padStart(2, '0')}:00Z`;
const step = (id: string, m: number, rest: Line): Line => ({ type: 'step', v: 1, id, timestamp: at(m), ...rest });
const bash = (id: string, m: number, command: string, exitCode: number): Line => step(id, m, { kind: 'tool', tool: { name: 'Bash', callId: id, input: { command }, output: exitCode === 0 ? 'ok' : 'AssertionError', status: exitCode === 0 ? 'ok' : 'error', exitCode } });
const edit = (id: string, m: number, path: string, diff: string, op = 'modify'): Line => step(id, m, { kind: 'tool', tool: { name: op === 'add' ? 'Write' : 'Edit', callId: id, input: { file_path: path }, output: 'ok', status: 'ok' }, patches: [{ path, origin: 'reported', op, diff }] });
const reply = (id: string, m: number, usage: object): Line => step(id, m, { kind: 'message', text: 'Fixed.', model: MODEL, usage, usageKey: `${id}-response` });

function replaceAll(path: string, before: string, after: string): string {
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  return `--- a/${path}\n+++ b/${path}\n@@ -1,${a.length} +1,${b.length} @@\n${a.map((l) => `-${l}`).join('\n')}\n${b.map((l) => `+${l}`).join('\n')}\n`;
}

function sessionA(base: string): Line[] {
  return [
    { type: 'session', id: 'task-a', agent: 'claude-code', startedAt: at(0), baseCommit: base },
    step('a0', 0, { kind: 'prompt', text: 'fix sum()' }),
    bash('a1', 1, 'node test.js', 1),
    edit('a2', 2, 'lib.js', replaceAll('lib.js', BUGGY, FIX_A)),
    bash('a3', 3, 'node test.js', 0),
    reply('a4', 4, USAGE_A),
  ];
}

function sessionB(id: string, base: string): Line[] {
  return [
    { type: 'session', id, agent: 'claude-code', startedAt: at(0), baseCommit: base },
    step('b0', 0, { kind: 'prompt', text: 'fix sum()' }),
    step('b1', 2, { kind: 'tool', tool: { name: 'Read', callId: 'b1', input: { file_path: 'lib.js' }, output: BUGGY, status: 'ok' } }),
    edit('b2', 5, 'lib.js', replaceAll('lib.js', BUGGY, FIX_B)),
    edit('b3', 7, 'notes.md', `--- /dev/null\n+++ b/notes.md\n@@ -0,0 +1,3 @@\n${NOTES.replace(/\n$/, '').split('\n').map((l) => `+${l}`).join('\n')}\n`, 'add'),
    bash('b4', 9, 'node test.js', 0),
    reply('b5', 10, USAGE_B),
  ];
}

interface Side {
  steps: number;
  prompts: number;
  toolCalls: number;
  tools: Record<string, number>;
  failures: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
  costUSD: number;
  wallMs: number;
  files: string[];
  survival: { judged: boolean };
}
interface Compared {
  version: number;
  a: Side;
  b: Side;
  files: { both: string[]; onlyA: string[]; onlyB: string[] };
  endState: { method: string; reason: string | null; stat: { path: string; added: number; removed: number }[]; patch: string | null };
}

describe('git trace compare', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'lib.js': BUGGY, 'test.js': "require('node:assert').equal(require('./lib.js').sum([1, 2, 3]), 6);\n" });
    const base = r.git('rev-parse', 'HEAD').trim();
    assert.equal(r.trace(['init']).status, 0);
    const file = join(r.dir, '.git', 'sessions.jsonl');
    const lines = [...sessionA(base), ...sessionB('task-b', base), ...sessionB('task-b-elsewhere', 'f'.repeat(40))];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const imported = r.trace(['import', '--format', 'steps', file]);
    assert.equal(imported.status, 0, imported.stderr);
  });
  after(() => r.cleanup());

  test('the numbers of the scenario, side by side', () => {
    const result = r.trace(['compare', '--json', 'task-a', 'task-b']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Compared;
    assert.equal(json.version, 1);
    const { a, b } = json;
    assert.deepEqual([a.steps, a.prompts, a.toolCalls, a.tools, a.failures], [5, 1, 3, { Bash: 2, Edit: 1 }, 1]);
    assert.deepEqual([b.steps, b.prompts, b.toolCalls, b.tools, b.failures], [6, 1, 4, { Bash: 1, Edit: 1, Read: 1, Write: 1 }, 0]);
    assert.deepEqual(a.tokens, { input: 1200, output: 300, cacheRead: 5000, cacheWrite: 800, total: 7300 });
    assert.deepEqual(b.tokens, { input: 3000, output: 900, cacheRead: 0, cacheWrite: 0, total: 3900 });
    assert.ok(Math.abs(a.costUSD - costOfUsage(MODEL, USAGE_A)) < 1e-9, `${a.costUSD}`);
    assert.ok(Math.abs(b.costUSD - costOfUsage(MODEL, USAGE_B)) < 1e-9, `${b.costUSD}`);
    assert.ok(a.costUSD > 0 && b.costUSD > 0);
    assert.deepEqual([a.wallMs, b.wallMs], [4 * 60_000, 10 * 60_000]);
    assert.deepEqual(json.files, { both: ['lib.js'], onlyA: [], onlyB: ['notes.md'] });
    assert.deepEqual([a.survival.judged, b.survival.judged], [true, true]);
  });

  test('the end states: rebuilt trees diffed from A to B, stat and --patch', () => {
    const objects = r.git('count-objects');
    const result = r.trace(['compare', '--json', '--patch', 'task-a', 'task-b']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(r.git('count-objects'), objects, "nothing is written to the repository's object store");
    const e = (JSON.parse(result.stdout) as Compared).endState;
    assert.deepEqual([e.method, e.reason], ['trees', null]);
    assert.deepEqual(e.stat, [
      { path: 'lib.js', added: 5, removed: 1 },
      { path: 'notes.md', added: 3, removed: 0 },
    ]);
    assert.match(e.patch ?? '', /^-exports\.sum = \(xs\) => xs\.reduce\(\(a, b\) => a \+ b, 0\);$/m, "A's line leaves");
    assert.match(e.patch ?? '', /^\+  for \(const x of xs\) total \+= x;$/m, "B's loop comes in");
    assert.equal(r.git('status', '--porcelain'), '', 'the work tree is left as it was');
    assert.equal(r.trace(['compare', '--json', '--patch', 'task-a', 'task-b']).stdout, result.stdout, 'the same answer twice');
    assert.equal(r.git('worktree', 'list').trim().split('\n').length, 1);
  });

  test('the text: an aligned two-column table, the files and the diff stat', () => {
    const result = r.trace(['compare', 'task-a', 'task-b']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^ +A +B$/m);
    assert.match(result.stdout, /^failed calls +1 +0$/m);
    assert.match(result.stdout, /^tokens total +7,300 +3,900$/m);
    assert.match(result.stdout, /^wall time +4m00s +10m00s$/m);
    assert.match(result.stdout, /^files: 1 both, 0 only A, 1 only B$/m);
    assert.match(result.stdout, /^end states \(rebuilt work trees\), A → B:$/m);
    assert.match(result.stdout, /^ {2}lib\.js +\| \+5 -1$/m);
    assert.match(result.stdout, /^ {2}2 files differ, \+8 -1$/m);
    assert.doesNotMatch(result.stdout, /^@@/m, 'no full diff without --patch');
  });

  test('a session this clone cannot rebuild: its patches are compared instead, and the output says why', () => {
    const result = r.trace(['compare', '--json', 'task-a', 'task-b-elsewhere']);
    assert.equal(result.status, 0, result.stderr);
    const e = (JSON.parse(result.stdout) as Compared).endState;
    assert.equal(e.method, 'patches');
    assert.match(e.reason ?? '', /the base commit ffffffffffff of session 'task-b-elsewhere' is not in this repository/);
    assert.deepEqual(e.stat, [
      { path: 'lib.js', added: 5, removed: 1 },
      { path: 'notes.md', added: 3, removed: 0 },
    ]);
    const text = r.trace(['compare', 'task-a', 'task-b-elsewhere']);
    assert.match(text.stdout, /end states \(the sessions' patches, not rebuilt trees: the base commit/);
  });

  test('bad input: an unknown session exits 1 with a hint; one ID is a usage error', () => {
    const unknown = r.trace(['compare', 'task-a', 'nosuchsession']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^error: no session 'nosuchsession'\nhint: /);
    assert.equal(r.trace(['compare', 'task-a']).status, 2);
  });
});
