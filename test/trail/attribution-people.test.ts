// Attribution about people, end to end on one scripted history: agent lines, a person's lines, a
// person's edit of an agent line, a revert. `stats --json`, `blame --json` per line and `track`
// are checked against counts written down here before running.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MATH, MULTIPLY, ScenarioRun, SUBTRACT, UPPER, type BlameJson } from './scenario.js';

const NEXT_DAY = { GIT_AUTHOR_DATE: '2026-01-03T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-03T03:04:05Z' };
const ADA = { GIT_AUTHOR_NAME: 'Ada Human' };
const EDITED = MATH + SUBTRACT + MULTIPLY.replace('a * b;', 'a * b * 1;');

interface StatsJson {
  commits: { subject: string; author: string; addedLines: number; agentLines: number; humanLines: number; sessions: string[] }[];
  rows: { key: string; agentLines: number; humanLines: number; survivingLines: number; editedLines: number; patches: Record<string, number> }[];
  totals: { addedLines: number; agentLines: number; humanLines: number; share: number; patches: Record<string, number>; lines: Record<string, number>; survivingLines: number; editedLines: number; medianRevertSeconds: number | null; sessions: number };
}

describe('a person\'s edit of an agent line: blame, track and stats agree it is the person\'s', () => {
  const run = new ScenarioRun({
    name: 'people',
    files: { 'src/math.ts': MATH },
    script: [
      // Session A writes 8 lines (subtract and multiply, each with its blank line and brace).
      { s: 'A', prompt: 'add subtract and multiply' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { commit: 'subtract and multiply' },
      // A person writes 2 lines of their own, then edits one of A's lines.
      { write: { 'README.md': 'Math helpers.\nWritten by hand.\n' } },
      { git: ['add', '-A'] },
      { git: ['commit', '-q', '-m', 'a README by hand'], env: ADA },
      { write: { 'src/math.ts': EDITED } },
      { git: ['commit', '-q', '-am', 'multiply by one, to be safe'], env: ADA },
      // Session B writes 2 lines, reverted a day later.
      { s: 'B', prompt: 'add case helpers' },
      { s: 'B', edit: 'B1', files: { 'src/case.ts': UPPER } },
      { commit: 'add case helpers' },
      { git: ['revert', '--no-edit', 'HEAD'], env: NEXT_DAY },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());
  const A = run.sessionId('A');
  const B = run.sessionId('B');
  const ok = (args: string[]): string => {
    const result = run.repo.trace(args);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout;
  };

  test('blame --json: A\'s lines are A\'s, the edited line is Ada\'s with A\'s step as its origin', () => {
    const lines = JSON.parse(ok(['blame', '--json', 'src/math.ts'])) as (BlameJson & { version: number })[];
    const edit = run.repo.git('rev-parse', 'HEAD~2').trim();
    const agentCommit = run.repo.git('rev-parse', 'HEAD~4').trim();
    const step = lines.find((l) => l.session === A)?.step;
    assert.ok(typeof step === 'number');
    // Written down before running: 3 initial lines, 8 of A's of which line 10 was edited by Ada.
    const expected: [number, 'agent' | 'human', string | null, boolean, string][] = [
      [1, 'human', null, false, 'Test User'],
      [2, 'human', null, false, 'Test User'],
      [3, 'human', null, false, 'Test User'],
      ...[4, 5, 6, 7, 8, 9].map((n): [number, 'agent', string, boolean, string] => [n, 'agent', A, false, 'Test User']),
      [10, 'human', null, true, 'Ada Human'],
      [11, 'agent', A, false, 'Test User'],
    ];
    assert.deepEqual(lines.map((l) => [l.line, l.by, l.session, l.edited, l.author]), expected);
    for (const l of lines) assert.equal(l.version, 1);
    const edited = lines[9];
    assert.ok(edited !== undefined);
    assert.equal(edited.commit, edit, 'git blame gives the edited line to the person\'s commit');
    assert.equal(edited.text, '  return a * b * 1;');
    assert.deepEqual([edited.step, edited.origin?.session, edited.origin?.step, edited.origin?.agent], [null, A, step, 'claude-code']);
    assert.equal(edited.origin?.prompt, 'add subtract and multiply');
    assert.deepEqual(edited.claims.map((c) => [c.session, c.edited]), [[A, true]], 'the claim is kept, marked edited');
    assert.equal(lines[3]?.commit, agentCommit);
    assert.equal(lines[3]?.origin, null);
  });

  test('blame text: the edited line shows as the person\'s, edited from the step', () => {
    const text = ok(['blame', 'src/math.ts']);
    const step = (JSON.parse(ok(['blame', '--json', 'src/math.ts'])) as BlameJson[]).find((l) => l.session === A)?.step;
    assert.match(text, new RegExp(`^[0-9a-f]{8} human \\(edited from ${A.slice(0, 8)} #${step}\\) 10\\)   return a \\* b \\* 1;$`, 'm'));
    assert.match(text, new RegExp(`^[0-9a-f]{8} ${A.slice(0, 8)} #${step} +4\\) $`, 'm'));
    assert.match(text, /^7 of 11 lines from agent sessions, 1 edited by people since$/m);
    assert.match(text, new RegExp(`^${A.slice(0, 8)} #${step}  ${A} step ${step} \\(claude-code claude-sonnet-4-5\\)$`, 'm'));
  });

  test('track: A\'s patch is transformed (7 lines alive, 1 edited), B\'s reverted', () => {
    const a = JSON.parse(ok(['track', '--json', A])) as { patches: { state: string; lines: Record<string, number> }[] };
    const patches = (a as { patches: { state: string; reason: string; lines: Record<string, number> }[] }).patches;
    assert.deepEqual(patches.map((p) => [p.state, p.lines.alive, p.lines.edited, p.reason]), [['transformed', 7, 1, '1 of 8 lines edited since the agent wrote them']]);
    const b = JSON.parse(ok(['track', '--json', B])) as { patches: { state: string }[] };
    assert.deepEqual(b.patches.map((p) => p.state), ['reverted']);
  });

  test('stats --json: the edit counts as the person\'s; A\'s lines at the head 7 as written, 1 edited', () => {
    const report = JSON.parse(ok(['stats', '--json'])) as StatsJson;
    assert.deepEqual(
      report.commits.map((c) => [c.subject, c.author, c.addedLines, c.agentLines, c.humanLines, c.sessions]),
      [
        ['initial', 'Test User', 3, 0, 3, []],
        ['subtract and multiply', 'Test User', 8, 8, 0, [A]],
        ['a README by hand', 'Ada Human', 2, 0, 2, []],
        ['multiply by one, to be safe', 'Ada Human', 1, 0, 1, []],
        ['add case helpers', 'Test User', 2, 2, 0, [B]],
        ['Revert "add case helpers"', 'Test User', 0, 0, 0, []],
      ],
    );
    const t = report.totals;
    assert.deepEqual([t.addedLines, t.agentLines, t.humanLines, t.share], [16, 10, 6, 10 / 16]);
    assert.deepEqual(t.patches, { alive: 0, moved: 0, transformed: 1, partial: 0, reverted: 1, lost: 0, unknown: 0 });
    assert.deepEqual(t.lines, { alive: 0, moved: 0, transformed: 8, partial: 0, reverted: 2, lost: 0, unknown: 0 });
    assert.deepEqual([t.survivingLines, t.editedLines, t.medianRevertSeconds, t.sessions], [7, 1, 86_400, 2]);
    const bySession = (JSON.parse(ok(['stats', '--json', '--by', 'session'])) as StatsJson).rows;
    assert.deepEqual(bySession.map((r) => [r.key, r.agentLines, r.survivingLines, r.editedLines]), [[A, 8, 7, 1], [B, 2, 0, 0]]);
    const byAuthor = (JSON.parse(ok(['stats', '--json', '--by', 'author'])) as StatsJson).rows;
    assert.deepEqual(byAuthor.map((r) => [r.key, r.agentLines, r.humanLines]), [['Test User', 10, 3], ['Ada Human', 0, 3]]);
  });

  test('stats text says how many agent lines people edited since', () => {
    assert.match(ok(['stats']), /^at the head: 7 agent lines as written, 1 edited since \(counted as the editor's\)$/m);
  });
});

describe('a small change in stats: the VERSION bump is the agent\'s line, and its revert is timed', () => {
  const run = new ScenarioRun({
    name: 'small',
    files: { VERSION: '1.0.0\n' },
    script: [
      { s: 'A', prompt: 'bump VERSION to 1.0.1' },
      { s: 'A', edit: 'A1', files: { VERSION: '1.0.1\n' } },
      { commit: 'bump' },
      { git: ['revert', '--no-edit', 'HEAD'], env: NEXT_DAY },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());

  test('stats --json: 1 agent line, reverted a day later; the revert\'s line is a person\'s', () => {
    const result = run.repo.trace(['stats', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as StatsJson;
    const A = run.sessionId('A');
    assert.deepEqual(
      report.commits.map((c) => [c.subject, c.addedLines, c.agentLines, c.humanLines, c.sessions]),
      [
        ['initial', 1, 0, 1, []],
        ['bump', 1, 1, 0, [A]],
        ['Revert "bump"', 1, 0, 1, []],
      ],
    );
    const t = report.totals;
    assert.deepEqual([t.addedLines, t.agentLines, t.humanLines], [3, 1, 2]);
    assert.deepEqual(t.patches, { alive: 0, moved: 0, transformed: 0, partial: 0, reverted: 1, lost: 0, unknown: 0 });
    assert.deepEqual([t.survivingLines, t.editedLines, t.medianRevertSeconds], [0, 0, 86_400]);
  });
});
