// git trace insights: a scripted session with known failures, a loop, re-steers, a re-read, a large
// unused output, a compaction and a reverted patch: each signal fires on the steps written down
// here before running, and none fires on a clean session. Over many sessions, the recurring
// problems are ranked by how many sessions show them. The shared real transcripts, when present,
// are read without error and every signal names steps that exist.

import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stepSignals } from '../../lib/insights/signals.js';
import { callKind } from '../../lib/insights/insight-rules.js';
import type { IndexedStep } from '../../lib/model/step.js';
import { SHARED_TRANSCRIPTS, skipWithoutShared } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const OLD = 'exports.parse = (s) => new Date(0);\n';
const NEW = 'exports.parse = (s) => new Date(s);\n';
const FIX = `--- a/src/dates.js\n+++ b/src/dates.js\n@@ -1 +1 @@\n-${OLD}+${NEW}`;
const FAILING = 'FAIL test/dates.test.js\nAssertionError: expected 2026 got 1970\nTests: 1 failed, 0 passed (0.42 s)\n';
/** 12 KiB of log lines, none of which the session quotes again. */
const BIG_LOG = Array.from({ length: 200 }, (_, i) => `2026-11-01 worker-${i} processed batch ${i * 7} of queue alpha-${i % 13}`).join('\n');

type Line = Record<string, unknown>;
const at = (n: number): string => `2026-11-01T10:${String(n).padStart(2, '0')}:00Z`;
const prompt = (n: number, text: string): Line => ({ type: 'step', v: 1, id: `s${n}`, kind: 'prompt', timestamp: at(n), text });
const message = (n: number, text: string): Line => ({ type: 'step', v: 1, id: `s${n}`, kind: 'message', timestamp: at(n), text });
const tool = (n: number, name: string, input: unknown, result: { output?: string; exitCode?: number; status?: string }, patches?: object[]): Line => ({
  type: 'step',
  v: 1,
  id: `s${n}`,
  kind: 'tool',
  timestamp: at(n),
  tool: { name, callId: `c${n}`, input, output: result.output ?? '', status: result.status ?? (result.exitCode !== undefined && result.exitCode !== 0 ? 'error' : 'ok'), ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }) },
  ...(patches === undefined ? {} : { patches }),
});

function sessionFile(id: string, base: string, steps: readonly Line[]): string {
  return [{ type: 'session', id, agent: 'claude-code', startedAt: at(0), baseCommit: base, title: id }, ...steps].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/** The messy session: step numbers are the indexes the expectations below name. */
function messy(dir: string): Line[] {
  const file = join(dir, 'src/dates.js');
  const patch = [{ path: 'src/dates.js', origin: 'reported', op: 'modify', diff: FIX }];
  return [
    prompt(0, 'fix the failing date parser'),
    tool(1, 'Read', { file_path: file }, { output: OLD }),
    tool(2, 'Bash', { command: 'npm test' }, { output: FAILING, exitCode: 1 }),
    tool(3, 'Bash', { command: 'npm test' }, { output: FAILING.replace('0.42 s', '0.39 s'), exitCode: 1 }),
    tool(4, 'Bash', { command: 'npm test' }, { output: FAILING, exitCode: 1 }),
    tool(5, 'Read', { file_path: file }, { output: OLD }),
    tool(6, 'Bash', { command: 'cat logs/worker.log' }, { output: BIG_LOG }),
    prompt(7, "no, don't read the logs, fix the parser"),
    tool(8, 'Edit', { file_path: file, old_string: OLD, new_string: NEW }, { output: 'ok' }, patch),
    tool(9, 'Bash', { command: 'npm test' }, { output: 'Tests: 1 passed' }),
    tool(10, 'Bash', { command: 'npm run lint' }, { output: "error  'x' is defined but never used", exitCode: 1 }),
    tool(11, 'Bash', { command: 'npm run dev' }, { output: '[Request interrupted by user]', status: 'interrupted' }),
    { type: 'step', v: 1, id: 's12', kind: 'compaction', timestamp: at(12), trigger: 'auto', tokensBefore: 150000, text: 'Summary: the parser was fixed.' },
    tool(13, 'Bash', { command: 'git checkout src/dates.js' }, { output: '' }),
    tool(14, 'Edit', { file_path: file, old_string: OLD, new_string: NEW }, { output: 'ok' }, patch),
    message(15, 'The parser is fixed.'),
  ];
}

/** The clean session: a read, one edit, a passing test. */
function clean(dir: string): Line[] {
  return [
    prompt(0, 'add a greeting'),
    tool(1, 'Read', { file_path: join(dir, 'README.md') }, { output: 'hello\n' }),
    tool(2, 'Edit', { file_path: join(dir, 'README.md') }, { output: 'ok' }, [{ path: 'README.md', origin: 'reported', op: 'modify', diff: '--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n hello\n+welcome\n' }]),
    tool(3, 'Bash', { command: 'npm test' }, { output: 'Tests: 1 passed' }),
    message(4, 'Done.'),
  ];
}

interface Json {
  version: number;
  session: { id: string; steps: number };
  signals: { kind: string; step: number; steps: number[]; outcome?: string; what?: string; how?: string; path?: string; state?: string; tokens?: number; bytes?: number; times?: number }[];
  survival: { judged: boolean };
  scorecard: { counts: Record<string, number>; failures: Record<string, number>; score: number; grade: string; formula: string };
}

describe('git trace insights', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'src/dates.js': OLD, 'README.md': 'hello\n' });
    const base = r.git('rev-parse', 'HEAD').trim();
    assert.equal(r.trace(['init']).status, 0);
    const file = join(r.dir, '.git', 'sessions.jsonl');
    writeFileSync(file, sessionFile('messy', base, messy(r.dir)) + sessionFile('clean', base, clean(r.dir)));
    const imported = r.trace(['import', '--format', 'steps', file]);
    assert.equal(imported.status, 0, imported.stderr);
    // Both sessions' work is committed; the messy one's fix is then reverted.
    r.commit('greeting', { 'README.md': 'hello\nwelcome\n' });
    r.commit('parse dates', { 'src/dates.js': NEW });
    r.git('revert', '--no-edit', 'HEAD');
  });
  after(() => r.cleanup());

  test('each signal fires on the steps written down for it', () => {
    const result = r.trace(['insights', '--json', 'messy']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Json;
    assert.equal(json.version, 1);
    const got = json.signals.map((s) => `${s.kind}@${s.step} ${[s.outcome, s.what, s.how, s.path, s.state].filter((x) => x !== undefined).join(' ')} [${s.steps.join(',')}]`.replace(/ +\[/, ' ['));
    assert.deepEqual(got, [
      'failure@2 fixed [2,3,4,9]',
      'loop@2 call [2,3,4]',
      're-read@5 src/dates.js [1,5]',
      'unused-output@6 [6]',
      're-steer@7 correction [6,7]',
      'patch-undone@8 src/dates.js reverted [8]',
      'failure@10 abandoned [10]',
      're-steer@11 interrupt [11]',
      'compaction@12 [12]',
      'loop@14 edit [8,14]',
      'patch-undone@14 src/dates.js reverted [14]',
    ]);
    assert.equal(json.signals.find((s) => s.kind === 'compaction')?.tokens, 150000);
    assert.ok((json.signals.find((s) => s.kind === 'unused-output')?.bytes ?? 0) >= 8 * 1024);
    assert.equal(json.signals.find((s) => s.kind === 'loop' && s.what === 'call')?.times, 3);
    const card = json.scorecard;
    assert.deepEqual(card.counts, { failure: 2, loop: 2, 're-steer': 2, 'unused-output': 1, 're-read': 1, compaction: 1, 'patch-undone': 2 });
    assert.deepEqual(card.failures, { fixed: 1, retried: 0, abandoned: 1 });
    // 100 - (failure 1+3) - (loop min(30, 20)) - (re-steer 16) - 3 - 2 - 5 - (patch-undone 10) = 40
    assert.deepEqual([card.score, card.grade], [40, 'D']);
  });

  test('a clean session shows no signal and scores 100', () => {
    const result = r.trace(['insights', '--json', 'clean']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Json;
    assert.deepEqual(json.signals, []);
    assert.equal(json.survival.judged, true);
    assert.deepEqual([json.scorecard.score, json.scorecard.grade], [100, 'A']);
    const text = r.trace(['insights', 'clean']);
    assert.match(text.stdout, /no signal: nothing failed, looped, was corrected or wasted/);
    assert.match(text.stdout, /score 100 \(A\)/);
  });

  test('the text lists each signal with its steps, then the score', () => {
    const result = r.trace(['insights', 'messy']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /#2 +failure +npm test failed \(exit 1\), fixed at #9 +#2 #3 #4 #9/);
    assert.match(result.stdout, /#7 +re-steer +corrected after #6: "no, don't read the logs, fix the parser"/);
    assert.match(result.stdout, /score 40 \(D\)/);
  });

  test('over many sessions: recurring problems ranked by sessions, with example steps', () => {
    const result = r.trace(['insights', '--json', '--since', '2020-01-01']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { version: number; sessions: number; failingCalls: unknown[]; problems: { problem: string; sessions: number; occurrences: number; examples: { session: string; step: number }[] }[]; scores: { session: string; score: number }[] };
    assert.equal(json.version, 1);
    assert.equal(json.sessions, 2);
    assert.deepEqual(json.problems.find((p) => p.problem === 'loop (call)'), { problem: 'loop (call)', signal: 'loop', sessions: 1, occurrences: 1, examples: [{ session: 'messy', step: 2, summary: 'npm test run 3× with the same failing result' }] });
    assert.ok(!json.problems.some((p) => p.problem === 'patch-undone'), 'survival is not judged over many sessions');
    assert.deepEqual(json.failingCalls, [], 'no call failed in both sessions');
    assert.deepEqual(json.scores.map((s) => s.session), ['messy', 'clean'], 'lowest score first');
    const text = r.trace(['insights']);
    assert.match(text.stdout, /recurring problems over 2 sessions/);
    assert.match(text.stdout, /loop \(call\) +1 +1 +messy#2/);
  });

  test('bad input: an unknown session exits 1 with a hint; two IDs, or an ID with --since, exit 2', () => {
    const unknown = r.trace(['insights', 'nosuchsession']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^error: no session 'nosuchsession'\nhint: /);
    assert.equal(r.trace(['insights', 'messy', 'clean']).status, 2);
    assert.equal(r.trace(['insights', '--since', '7d', 'messy']).status, 2);
  });
});

describe('insight rules', () => {
  const rows: [string, string | null, string][] = [
    ['npm test -- -g dates', null, 'npm test'],
    ['cd /repo && npm test', null, 'npm test'],
    ['npm run lint --fix', null, 'npm run lint'],
    ['CI=1 node --test test/a.js', null, 'node test/a.js'],
  ];
  for (const [command, path, kind] of rows) test(`a call of ${command} is of kind '${kind}'`, () => assert.equal(callKind('Bash', command, path), kind));

  const call = (index: number, command: string, exitCode: number, status = exitCode === 0 ? 'ok' : 'error'): IndexedStep =>
    ({ v: 1, id: `c${index}`, index, kind: 'tool', timestamp: null, tool: { name: 'Bash', input: { command }, output: `out ${index}`, status, exitCode } }) as IndexedStep;
  const kinds = (steps: IndexedStep[]): string[] => stepSignals(steps, { workTree: null, cwd: null }).map((s) => `${s.kind}@${s.step}${s.kind === 'failure' ? ` ${s.outcome}` : ''} [${s.steps.join(',')}]`);

  test('a failure retried without success is "retried"; different output each time is no loop', () => {
    assert.deepEqual(kinds([call(0, 'npm test', 1), call(1, 'npm test -- -g x', 1), call(2, 'npm test', 1)]), ['failure@0 retried [0,1,2]']);
  });

  test('a run of interrupted calls is one interruption', () => {
    const steps = [call(0, 'a', 0, 'interrupted'), call(1, 'b', 0, 'interrupted'), call(2, 'c', 0), call(3, 'd', 0, 'interrupted')];
    assert.deepEqual(kinds(steps), ['re-steer@0 [0,1]', 're-steer@3 [3]']);
  });

  test('a shell read is keyed by its command: two ranges of one file are not a re-read', () => {
    const read = (index: number, command: string): IndexedStep => ({ ...call(index, command, 0), tool: { ...(call(index, command, 0) as IndexedStep & { kind: 'tool' }).tool, reads: ['src/a.go'] } }) as IndexedStep;
    assert.deepEqual(kinds([read(0, "sed -n '1,100p' src/a.go"), read(1, "sed -n '100,200p' src/a.go")]), []);
    assert.deepEqual(kinds([read(0, "sed -n '1,100p' src/a.go"), read(1, "sed -n '1,100p' src/a.go")]), ['re-read@1 [0,1]']);
  });

  test('"now" and "nothing" are not corrections; "No." and "Stop" are', () => {
    const steps = (text: string): IndexedStep[] => [
      { v: 1, id: 'a', index: 0, kind: 'tool', timestamp: null, tool: { name: 'Bash', input: { command: 'ls' }, output: '', status: 'ok' } },
      { v: 1, id: 'b', index: 1, kind: 'prompt', timestamp: null, text },
    ] as IndexedStep[];
    const fired = (text: string): boolean => stepSignals(steps(text), { workTree: null, cwd: null }).some((s) => s.kind === 're-steer');
    assert.deepEqual(['now run the tests', 'nothing else', 'No. Use the parser', 'Stop here', "That's not it", 'wrong file'].map(fired), [false, false, true, true, true, true]);
  });
});

describe('insights over the shared real transcripts', { skip: skipWithoutShared }, () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => r.cleanup());

  test("every agent's transcripts are read, every signal names steps the session has, and real ones fire", () => {
    for (const agent of ['claude-code', 'codex', 'gemini', 'pi']) {
      const dir = join(SHARED_TRANSCRIPTS, agent);
      const files = readdirSync(dir).filter((f) => /\.jsonl?$/.test(f)).map((f) => join(dir, f));
      const imported = r.trace(['import', '--agent', agent, '--quiet', ...files]);
      assert.equal(imported.status, 0, imported.stderr);
    }
    const all = r.trace(['insights', '--json']);
    assert.equal(all.status, 0, all.stderr);
    const summary = JSON.parse(all.stdout) as { sessions: number; problems: { problem: string }[]; failingCalls: { call: string; sessions: number }[]; scores: { session: string }[] };
    assert.ok(summary.failingCalls.some((c) => c.sessions >= 2), 'some call fails in several sessions');
    assert.ok(summary.sessions >= 20, `${summary.sessions} sessions`);
    // The transcripts were picked for their tool errors, interruptions and compactions.
    for (const problem of ['failure fixed', 'failure abandoned', 're-steer (interrupt)', 're-steer (correction)', 'compaction']) assert.ok(summary.problems.some((p) => p.problem === problem), problem);
    // The sessions with the most signals (lowest scores first), each on its own: their steps exist.
    for (const { session } of summary.scores.slice(0, 8)) {
      const one = r.trace(['insights', '--json', session]);
      assert.equal(one.status, 0, one.stderr);
      const json = JSON.parse(one.stdout) as Json;
      for (const s of json.signals) for (const n of s.steps) assert.ok(n >= 0 && n < json.session.steps, `${session}: step ${n} of ${json.session.steps}`);
    }
  });
});
