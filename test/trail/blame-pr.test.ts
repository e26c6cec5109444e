// blame pr: a branch walked back to its sessions, as a pull request body. Deterministic: the
// same history gives the same bytes, even with the anchor cache deleted in between.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MATH, MULTIPLY, ScenarioRun, SUBTRACT } from './scenario.js';

// A prompt that names a home folder and runs long: the body holds neither unless asked.
const HOME_PATH = '/home/ada-lovelace/notes/plan.md';
const LONG_PROMPT = `now multiply, the way ${HOME_PATH} says.\n${'Keep each step small and tested. '.repeat(20)}`;

interface PrJson {
  version: number;
  base: { ref: string; commit: string };
  head: { ref: string; commit: string };
  commits: { id: string; subject: string; message: string; addedLines: number; agentLines: number; steps: { session: string; step: number }[] }[];
  egress: { prompts: string; secrets: Record<string, number>; scrubbed: Record<string, number> };
  sessions: { id: string; intent: { step: number; text: string; chars?: number; cut?: boolean }[]; lineage: { step: number; path: string; lines: number; commits: string[] }[]; evidence: { commands: { command: string; exitCode: number | null }[]; filesRead: string[] } }[];
  diff: { stat: string; files: { path: string; added: number | null; removed: number | null }[] };
}

describe('git trace blame pr', () => {
  const run = new ScenarioRun({
    name: 'pr',
    files: { 'src/math.ts': MATH },
    script: [
      { commit: 'before the branch', files: { 'NOTES.md': 'notes\n' } },
      { git: ['checkout', '-q', '-b', 'feature'] },
      { s: 'A', prompt: 'add a subtract function\n\nkeep it small, and run the tests' },
      { s: 'A', read: 'src/math.ts' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { s: 'A', run: 'npm test', output: 'ok' },
      { s: 'A', run: 'npm run lint', output: 'warning', exit: 2 },
      { commit: 'Add subtract\n\nThe team asked for it.' },
      { s: 'B', prompt: LONG_PROMPT },
      { s: 'B', run: `cat ${HOME_PATH}`, output: 'the plan' },
      { s: 'B', edit: 'B1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { commit: 'Add multiply and a hand-written README', files: { 'README.md': 'Math helpers, written by hand.\n' } },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());

  const pr = (...args: string[]): string => {
    const result = run.repo.trace(['blame', 'pr', ...args]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout;
  };

  test('the same history gives byte-identical Markdown and JSON, cache or not', () => {
    const first = pr();
    const json = pr('--json');
    rmSync(join(run.repo.dir, '.git', 'opentraces', 'catalog.sqlite'), { force: true });
    assert.equal(pr(), first);
    assert.equal(pr('--json'), json);
  });

  test('the default base is the merge-base with main; --base main and main..feature agree', () => {
    const report = JSON.parse(pr('--json')) as PrJson;
    assert.equal(report.base.commit, run.repo.git('merge-base', 'main', 'feature').trim());
    assert.deepEqual(report.commits.map((c) => c.subject), ['Add subtract', 'Add multiply and a hand-written README']);
    assert.deepEqual((JSON.parse(pr('--json', '--base', 'main')) as PrJson).commits, report.commits);
    assert.deepEqual((JSON.parse(pr('--json', 'main..feature')) as PrJson).commits, report.commits);
  });

  test('lineage, intent and evidence: each session to its steps, patches and commits', () => {
    const report = JSON.parse(pr('--json')) as PrJson;
    const [first, second] = report.commits;
    assert.ok(first !== undefined && second !== undefined);
    assert.deepEqual([first.agentLines, first.addedLines], [4, 4]);
    assert.deepEqual([second.agentLines, second.addedLines], [4, 5], 'the README line is the human\'s');
    assert.deepEqual(report.sessions.map((s) => s.id), [run.sessionId('A'), run.sessionId('B')]);
    const a = report.sessions[0];
    assert.ok(a !== undefined);
    assert.deepEqual(a.intent.map((p) => p.text), ['add a subtract function\n\nkeep it small, and run the tests']);
    assert.deepEqual(a.lineage.map((p) => [p.path, p.lines, p.commits]), [['src/math.ts', 4, [first.id]]]);
    assert.deepEqual(a.evidence.commands.map((c) => [c.command, c.exitCode]), [['npm test', 0], ['npm run lint', 2]]);
    assert.deepEqual(a.evidence.filesRead, ['src/math.ts']);
    assert.deepEqual(report.diff.files, [{ path: 'README.md', added: 1, removed: 0 }, { path: 'src/math.ts', added: 8, removed: 0 }]);
  });

  test('the Markdown quotes prompts and messages, lists lineage and evidence, next to the diff stat', () => {
    const md = pr();
    for (const expected of [
      '> add a subtract function\n>\n> keep it small, and run the tests',
      '> Add subtract\n>\n> The team asked for it.',
      '`npm test` → exit 0',
      '`npm run lint` → exit 2',
      '- files read: `src/math.ts`',
      'src/math.ts | 8 ++++++++',
      '| `README.md` | 1 | 0 | — |',
      '8 of 9 added lines trace to 2 agent sessions',
    ]) {
      assert.ok(md.includes(expected), `missing: ${expected}\n---\n${md}`);
    }
    assert.match(md, /- step #\d+ `Write` → `src\/math\.ts` \(4 lines\) → `[0-9a-f]{8}` Add subtract/);
    const byCommit = pr('--by', 'commit');
    assert.match(byCommit, /Prompt behind `scn-a-0000` #\d+ \(step #0\):\n\n> add a subtract function/);
  });

  test('by default no home path leaves, and a long prompt is an excerpt that says so', () => {
    const md = pr();
    assert.equal(md.includes('ada-lovelace'), false, md);
    assert.ok(md.includes('`cat ~/notes/plan.md` → exit 0'), md);
    assert.ok(md.includes('> now multiply, the way ~/notes/plan.md says.'), md);
    assert.match(md, /> … \(an excerpt of \d+ characters: `--prompts full` includes all of it\)/);
    assert.match(md, /Prompts as excerpts; \d+ home paths? or user names? replaced\.<\/sub>/);
    const report = JSON.parse(pr('--json')) as PrJson;
    assert.equal(JSON.stringify(report).includes('ada-lovelace'), false);
    assert.equal(report.egress.prompts, 'excerpt');
    assert.ok((report.egress.scrubbed['home-path'] ?? 0) >= 2, JSON.stringify(report.egress));
    const b = report.sessions[1]?.intent[0];
    assert.ok(b !== undefined && b.cut === true && b.chars !== undefined);
    assert.ok(b.text.length <= 280 && b.text.length < b.chars, b.text);
    assert.equal(report.sessions[0]?.intent[0]?.cut, undefined, 'a short prompt is whole');
  });

  test('--prompts full quotes every prompt whole (still scrubbed); --prompts none leaves them out', () => {
    const full = JSON.parse(pr('--json', '--prompts', 'full')) as PrJson;
    assert.equal(full.sessions[1]?.intent[0]?.text, LONG_PROMPT.replace('/home/ada-lovelace', '~'));
    assert.equal(full.egress.prompts, 'full');
    const none = pr('--prompts', 'none');
    assert.equal(none.includes('multiply, the way'), false);
    assert.equal(none.includes('add a subtract function'), false);
    assert.match(none, /Prompt at step #\d+: left out \(`--prompts full` includes it\)\./);
  });

  test('--format github: the summary line, then each session collapsed, most lines first', () => {
    const body = pr('--format', 'github');
    assert.match(body, /^\*\*8 of 9 added lines from 2 agent sessions\*\* \(claude-code, [^)]+\)\n/);
    const order = [...body.matchAll(/<summary>claude-code session <code>([^<]+)<\/code>/g)].map((m) => m[1]);
    assert.equal(order.length, 2);
    assert.match(body, /<details><summary>Files<\/summary>/);
    assert.equal(body.includes('ada-lovelace'), false);
  });

  test('bad ranges and options are usage errors', () => {
    for (const args of [['--format', 'html'], ['--prompts', 'some'], ['main..feature', '--base', 'main'], ['nonsense...'], ['--by', 'file'], ['no-such-branch..HEAD'], ['a..b', 'c..d']]) {
      const result = run.repo.trace(['blame', 'pr', ...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^error: /);
    }
  });
});
