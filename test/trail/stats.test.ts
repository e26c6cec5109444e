// git trace stats: over a scripted history (one session's patch survives, another's is reverted a
// day later, a person adds a line), the counts written down before running; the same history
// gives the same bytes.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { MATH, ScenarioRun, SUBTRACT, UPPER } from './scenario.js';

type Counts = Record<'alive' | 'moved' | 'transformed' | 'partial' | 'reverted' | 'lost' | 'unknown', number>;

interface StatsRowJson {
  key: string;
  agentLines: number;
  humanLines: number;
  share: number;
  patches: Counts;
  lines: Counts;
  survivingLines: number;
  medianRevertSeconds: number | null;
  sessions: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  costUSD: number;
  costPerSurvivingLine: number | null;
}

interface StatsJson {
  version: number;
  by: string;
  range: { since: string | null; base: string | null; head: { ref: string; commit: string } };
  commits: { id: string; subject: string; author: string; date: string; addedLines: number; agentLines: number; humanLines: number; sessions: string[] }[];
  rows: StatsRowJson[];
  totals: StatsRowJson & { addedLines: number };
}

/** Session A adds a function to src/math.ts, session B writes src/case.ts, each committed. */
const A_AND_B = [
  { s: 'A', prompt: 'add a subtract function' },
  { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
  { commit: 'add subtract' },
  { s: 'B', prompt: 'add case helpers' },
  { s: 'B', edit: 'B1', files: { 'src/case.ts': UPPER } },
  { commit: 'add case helpers' },
] as const;
const GROUPINGS = ['agent', 'model', 'author', 'session', 'day'] as const;
const NEXT_DAY = { GIT_AUTHOR_DATE: '2026-01-03T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-03T03:04:05Z' };
const NONE: Counts = { alive: 0, moved: 0, transformed: 0, partial: 0, reverted: 0, lost: 0, unknown: 0 };

describe('git trace stats', () => {
  const run = new ScenarioRun({
    name: 'stats',
    files: { 'src/math.ts': MATH },
    script: [
      ...A_AND_B,
      { write: { 'README.md': 'Math helpers, written by hand.\n' } },
      { git: ['add', '-A'] },
      { git: ['commit', '-q', '-m', 'a README by hand'], env: { GIT_AUTHOR_NAME: 'Ada Human' } },
      { git: ['revert', '--no-edit', 'HEAD~1'], env: NEXT_DAY },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());

  const stats = (...args: string[]): string => {
    const result = run.repo.trace(['stats', ...args]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout;
  };
  const json = (...args: string[]): StatsJson => JSON.parse(stats('--json', ...args)) as StatsJson;
  const A = run.sessionId('A');
  const B = run.sessionId('B');

  test('the default window: every commit of HEAD, agent and human lines per commit and in total', () => {
    const report = json();
    assert.equal(report.version, 1);
    assert.equal(report.by, 'agent');
    // 30 days before HEAD's commit date (the revert's), not before the time of the run.
    assert.deepEqual(report.range, { since: '2025-12-04T03:04:05.000Z', base: null, head: { ref: 'HEAD', commit: run.repo.git('rev-parse', 'HEAD').trim() } });
    assert.deepEqual(
      report.commits.map((c) => [c.subject, c.author, c.addedLines, c.agentLines, c.humanLines, c.sessions]),
      [
        ['initial', 'Test User', 3, 0, 3, []],
        ['add subtract', 'Test User', 4, 4, 0, [A]],
        ['add case helpers', 'Test User', 2, 2, 0, [B]],
        ['a README by hand', 'Ada Human', 1, 0, 1, []],
        ['Revert "add case helpers"', 'Test User', 0, 0, 0, []],
      ],
    );
    const t = report.totals;
    assert.deepEqual([t.addedLines, t.agentLines, t.humanLines, t.share], [10, 6, 4, 0.6]);
    assert.deepEqual(t.patches, { ...NONE, alive: 1, reverted: 1 });
    assert.deepEqual(t.lines, { ...NONE, alive: 4, reverted: 2 });
    assert.equal(t.survivingLines, 4);
    assert.equal(t.medianRevertSeconds, 86_400, 'reverted a day after its commit');
    assert.equal(t.sessions, 2);
  });

  test('--by agent: one row for Claude Code, its share of all added lines', () => {
    const [row, ...rest] = json().rows;
    assert.equal(rest.length, 0);
    assert.ok(row !== undefined);
    assert.deepEqual([row.key, row.agentLines, row.humanLines, row.share, row.survivingLines, row.medianRevertSeconds], ['claude-code', 6, 0, 0.6, 4, 86_400]);
    assert.deepEqual(row.patches, { ...NONE, alive: 1, reverted: 1 });
  });

  test('--by session: the surviving session and the reverted one apart', () => {
    const rows = json('--by', 'session').rows;
    assert.deepEqual(
      rows.map((r) => [r.key, r.agentLines, r.share, r.patches, r.lines, r.survivingLines, r.medianRevertSeconds, r.costPerSurvivingLine === null]),
      [
        [A, 4, 0.4, { ...NONE, alive: 1 }, { ...NONE, alive: 4 }, 4, null, false],
        [B, 2, 0.2, { ...NONE, reverted: 1 }, { ...NONE, reverted: 2 }, 0, 86_400, true],
      ],
    );
  });

  test('--by model groups by the model of the step that wrote the patch', () => {
    const rows = json('--by', 'model').rows;
    assert.deepEqual(rows.map((r) => [r.key, r.agentLines, r.patches]), [['claude-sonnet-4-5', 6, { ...NONE, alive: 1, reverted: 1 }]]);
  });

  test('--by author and --by day count the lines people added in their commits', () => {
    assert.deepEqual(
      json('--by', 'author').rows.map((r) => [r.key, r.agentLines, r.humanLines, r.share]),
      [
        ['Test User', 6, 3, 6 / 9],
        ['Ada Human', 0, 1, 0],
      ],
    );
    assert.deepEqual(
      json('--by', 'day').rows.map((r) => [r.key, r.agentLines, r.humanLines, r.patches.reverted]),
      [
        ['2026-01-02', 6, 4, 1],
        ['2026-01-03', 0, 0, 0],
      ],
    );
  });

  test('tokens and cost are those `git trace cost` reports for the same sessions', () => {
    const cost = JSON.parse(run.repo.trace(['cost', '--json', '--by', 'session']).stdout) as { rows: { key: string; inputTokens: number; outputTokens: number; costUSD: number }[] };
    for (const row of json('--by', 'session').rows) {
      const c = cost.rows.find((r) => r.key === row.key);
      assert.ok(c !== undefined, row.key);
      assert.deepEqual([row.tokens.input, row.tokens.output, row.costUSD], [c.inputTokens, c.outputTokens, c.costUSD]);
    }
    const total = json().totals;
    assert.ok(total.costPerSurvivingLine !== null && total.survivingLines > 0);
    assert.equal(total.costPerSurvivingLine, total.costUSD / total.survivingLines);
  });

  test('a range BASE..HEAD as blame pr takes it, and --since', () => {
    const report = json('HEAD~3..HEAD');
    assert.deepEqual(report.commits.map((c) => c.subject), ['add case helpers', 'a README by hand', 'Revert "add case helpers"']);
    assert.deepEqual([report.totals.agentLines, report.totals.humanLines], [2, 1]);
    assert.equal(json('--since', '2026-01-03').commits.length, 1);
    assert.equal(json('--since', '12h').commits.length, 1, 'an age counts back from HEAD\'s commit date');
  });

  test('the text table names the rows and states', () => {
    const text = stats('--by', 'session');
    assert.match(text, /^5 commits of HEAD \([0-9a-f]{12}\) since 2025-12-04T03:04:05.000Z$/m);
    assert.match(text, /^10 lines added: 6 by agents \(60\.0%\), 4 by people$/m);
    assert.match(text, /^SESSION +AGENT +SHARE +ALIVE +REVERTED +TO REVERT +TOKENS +COST +PER LINE$/m);
    assert.match(text, new RegExp(`^${B} +2 +20\\.0% +- +1/2 +24h00m `, 'm'));
  });

  test('the same history gives byte-identical output, catalog or not', () => {
    const text = stats('--by', 'session');
    const first = stats('--json');
    assert.equal(stats('--json'), first);
    rmSync(join(run.repo.dir, '.git', 'opentraces', 'catalog.sqlite'), { force: true });
    assert.equal(stats('--json'), first);
    assert.equal(stats('--by', 'session'), text);
  });

  test('usage errors: an unknown grouping, a range with --since', () => {
    const bad = run.repo.trace(['stats', '--by', 'weather']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /cannot group by 'weather'/);
    assert.equal(run.repo.trace(['stats', '--since', '7d', 'HEAD~1..HEAD']).status, 2);
  });

  // Last: it changes the history and the sessions.
  test('a stored answer is given again only for the same commits and sessions', () => {
    const fresh = json('--by', 'session');
    const catalog = join(run.repo.dir, '.git', 'opentraces', 'catalog.sqlite');
    // Mark the stored answer, so that reading it is told from computing it.
    const mark = (): void => {
      const db = new Database(catalog);
      try {
        const row = db.prepare('SELECT value FROM catalog_meta WHERE key = ?').get('stats:session:default') as { value: string } | undefined;
        assert.ok(row !== undefined, 'stats stores its answer');
        db.prepare('UPDATE catalog_meta SET value = ? WHERE key = ?').run(String(row.value).replace(/"subject":"add subtract"/, '"subject":"MARKED"'), 'stats:session:default');
      } finally {
        db.close();
      }
    };
    mark();
    assert.equal(json('--by', 'session').commits[1]?.subject, 'MARKED', 'the same state: the stored answer');
    assert.equal(json('--by', 'agent').commits[1]?.subject, 'add subtract', 'each grouping is stored on its own');

    // A new commit: computed again, with the person's line.
    mark();
    run.repo.write({ 'NOTES.md': `${NOTE_LINE}\n` });
    run.repo.git('add', '-A');
    run.repo.git('commit', '-q', '-m', 'notes by hand');
    const moved = json('--by', 'session');
    assert.equal(moved.commits[1]?.subject, 'add subtract');
    assert.equal(moved.totals.humanLines, fresh.totals.humanLines + 1);

    // A new branch tip (the graph the patches are judged over): computed again.
    mark();
    run.repo.git('branch', 'elsewhere', 'HEAD~1');
    assert.equal(json('--by', 'session').commits[1]?.subject, 'add subtract');

    // A new session whose work no commit carries: it bears on nothing, the answer is taken over.
    mark();
    importSession(run, 'uncommitted-work', 'src/never.ts', 'export const neverCommitted = "an uncommitted line of work";');
    assert.equal(json('--by', 'session').commits[1]?.subject, 'MARKED', 'taken over, not computed');
    assert.equal(json('--by', 'agent').commits[1]?.subject, 'add subtract', 'every grouping taken over, each as stored');

    // A new session on a file the window touched, that started before every commit (no base):
    // no line of it is committed, but the commits it brings into the walk were not walked
    // before (the first commit): computed again, and the counts are the same.
    mark();
    importSession(run, 'early-uncommitted', 'src/math.ts', 'export const neverCommittedEither = "another uncommitted line";');
    const early = json('--by', 'session');
    assert.equal(early.commits[1]?.subject, 'add subtract', 'computed again');
    assert.deepEqual(early.totals, moved.totals);

    // A new session whose line a commit of the window carries: computed again, and it counts.
    mark();
    importSession(run, 'claims-notes', 'NOTES.md', NOTE_LINE);
    const claimed = json('--by', 'session');
    assert.equal(claimed.commits[1]?.subject, 'add subtract');
    assert.deepEqual(claimed.rows.map((r) => r.key), [A, B, 'claims-notes']);
    assert.equal(claimed.totals.agentLines, fresh.totals.agentLines + 1);

    // A session forgotten: its lines are no longer an agent's.
    mark();
    assert.equal(run.repo.trace(['forget', A]).status, 0);
    const forgotten = json('--by', 'session');
    assert.deepEqual(forgotten.rows.map((r) => r.key), [B, 'claims-notes']);
    assert.equal(forgotten.totals.agentLines, fresh.totals.agentLines - 4 + 1);
  });

  const NOTE_LINE = 'These notes were written by hand, line by line, for the stats test.';
});

// After new commits, stats judges again only the files they touched and keeps the rest of what it
// stored (stats.ts `update`): at every step below, the answer is the one computed from nothing.
describe('git trace stats after new commits', () => {
  const MORE = 'export const more = (values: number[]): number => values.reduce((a, b) => a + b, 0);\n';
  const run = new ScenarioRun({
    name: 'stats-update',
    files: { 'src/math.ts': MATH },
    script: [
      ...A_AND_B,
      { s: 'C', prompt: 'add a sum helper' },
      { s: 'C', edit: 'C1', files: { 'src/more.ts': MORE } },
      { commit: 'add more' },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());

  const all = (): string[] => statsOutputs(run, GROUPINGS);
  const updatedEqualsComputed = (what: string): void => {
    sameAsComputed(run, what, GROUPINGS);
  };
  const commit = (message: string): void => {
    run.repo.git('add', '-A');
    run.repo.git('commit', '-q', '-m', message);
  };

  test('what a new commit did not touch is kept, what it touched is judged again', () => {
    const agent = (JSON.parse(all()[0] as string) as StatsJson).rows.map((r) => r.key);
    assert.equal(agent.length, 1);
    // A person edits B's line: only src/case.ts is judged again. The stored patches are marked
    // (their agent renamed) to tell the kept ones from those judged again.
    run.repo.write({ 'src/case.ts': UPPER.replace('s.toUpperCase()', 's.trim().toUpperCase()') });
    commit('trim before upper');
    withCatalog(run, (db) => {
      const row = db.prepare('SELECT value FROM catalog_meta WHERE key = ?').get('stats-patches:default') as { value: string | Buffer } | undefined;
      assert.ok(row !== undefined, 'stats stores the patches it counted');
      db.prepare('UPDATE catalog_meta SET value = ? WHERE key = ?').run(String(row.value).replaceAll(`"${agent[0]}"`, '"MARKED"'), 'stats-patches:default');
    });
    const result = run.repo.trace(['stats', '--json', '--by', 'session']);
    assert.equal(result.status, 0, result.stderr);
    const bySession = JSON.parse(result.stdout) as StatsJson;
    const marked = JSON.parse(run.repo.trace(['stats', '--json', '--by', 'agent']).stdout) as StatsJson;
    const sessionsOf = (key: string): number => marked.rows.find((r) => r.key === key)?.sessions ?? 0;
    assert.equal(sessionsOf('MARKED'), 2, 'A and C kept as stored');
    assert.equal(sessionsOf(agent[0] as string), 1, 'B judged again');
    const B = run.sessionId('B');
    assert.equal(bySession.rows.find((r) => r.key === B)?.patches.transformed, 1, "B's patch transformed by the person's edit");
    forgetStored(run);
    all();
  });

  test('at every step the answer is the one computed from nothing', () => {
    // A person edits B's line again, and adds a line of their own.
    run.repo.write({ 'src/case.ts': `${UPPER.replace('s.toLowerCase()', 's.trim().toLowerCase()')}export const title = (s: string): string => s;\n` });
    commit('trim before lower');
    updatedEqualsComputed('a person edit');
    // C's work reverted.
    run.repo.git('revert', '--no-edit', 'HEAD~2');
    updatedEqualsComputed('a revert');
    // A new session whose line a new commit carries, on a new file.
    importSession(run, 'notes-session', 'NOTES.md', NOTE_LINE);
    run.repo.write({ 'NOTES.md': `${NOTE_LINE}\n` });
    commit('notes');
    updatedEqualsComputed('a new session and its commit');
    const report = JSON.parse(all()[3] as string) as StatsJson;
    assert.ok(report.rows.some((r) => r.key === 'notes-session' && r.agentLines === 1), 'the new session counts');
    // A file renamed and edited by a person.
    run.repo.git('mv', 'src/math.ts', 'src/arith.ts');
    run.repo.write({ 'src/arith.ts': (MATH + SUBTRACT).replace('return a - b;', 'return b - a;') });
    commit('rename math');
    updatedEqualsComputed('a rename');
    // What is stored damaged (a patch naming no string): computed anew, no error.
    withCatalog(run, (db) => {
      const row = db.prepare('SELECT value FROM catalog_meta WHERE key = ?').get('stats-patches:default') as { value: string | Buffer };
      const text = String(row.value);
      db.prepare('UPDATE catalog_meta SET value = ? WHERE key = ?').run(`${text.slice(0, text.indexOf('\n'))}\n{"format":1,"strings":[],"patches":[["k",7,7,-1,7,7,7,0,0,null]]}`, 'stats-patches:default');
    });
    run.repo.write({ 'NOTES.md': `${NOTE_LINE}\nand a second line\n` });
    commit('more notes');
    updatedEqualsComputed('a damaged store');
    // HEAD moved back to another line of history: its old head is no ancestor, computed anew.
    run.repo.git('checkout', '-q', '-b', 'side', 'HEAD~3');
    run.repo.write({ 'SIDE.md': 'a side note\n' });
    commit('side note');
    updatedEqualsComputed('another branch');
  });

  const NOTE_LINE = 'These notes were written by hand, line by line, for the stats update test.';
});

// Found by review: changes under a file that no new commit's diff shows.
describe('git trace stats after a merge or an older commit', () => {
  const HUMAN = 'These notes were written by hand, line by line, for the merge test.';
  const AGENT_LINE = 'The agent wrote this sentence about the merged branch and nothing else.';
  const ARITH_LINE = 'The agent wrote this sentence about the renamed arithmetic file only.';
  const run = new ScenarioRun({ name: 'stats-merges', files: { 'src/math.ts': MATH }, script: [...A_AND_B], checks: [] });
  before(() => run.play());
  after(() => run.cleanup());

  const bySession = (): StatsJson => JSON.parse(statsOutputs(run, ['session'])[0] as string) as StatsJson;
  const updatedEqualsComputed = (what: string): StatsJson => JSON.parse(sameAsComputed(run, what, ['session'])[0] as string) as StatsJson;
  const commit = (message: string): void => commitDated(message, undefined);

  test('a branch made before the stored answer, fast-forwarded onto the head', () => {
    run.repo.write({ 'NOTES.md': `${HUMAN}\n` });
    commit('notes');
    importSession(run, 'ff-session', 'NOTES.md', AGENT_LINE);
    commitOnBranch('feature', { 'NOTES.md': `${HUMAN}\n${AGENT_LINE}\n` });
    bySession(); // stored: the branch's commit is known (a tip), not on the head
    run.repo.git('merge', '-q', '--ff-only', 'feature');
    const computed = updatedEqualsComputed('a fast-forward to a known branch');
    assert.equal(computed.rows.find((r) => r.key === 'ff-session')?.agentLines, 1);
  });

  test('a merge that changes a file neither side touched, with another branch known', () => {
    commitOnBranch('side', { 'SIDE.md': 'a side note written by a person\n' });
    bySession();
    run.repo.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    // The merge also empties B's file (a conflict resolved by hand, say).
    run.repo.write({ 'src/case.ts': '' });
    commit('merge side');
    const computed = updatedEqualsComputed('a merge changing a file itself');
    // The merge commit is in the graph though 'feature' was known and the merge new (git before
    // 2.42 refused the way the graph was extended): A's work is alive on the head, not lost.
    const A = run.sessionId('A');
    const B = run.sessionId('B');
    assert.equal(computed.rows.find((r) => r.key === A)?.patches.alive, 1);
    assert.equal(computed.rows.find((r) => r.key === B)?.patches.alive, 0);
  });

  test('a new head dated before the last one: an older commit joins the window', () => {
    importSession(run, 'old-session', 'OLD.md', AGENT_LINE);
    run.repo.write({ 'OLD.md': `${AGENT_LINE}\n` });
    commit('the agent line');
    run.repo.write({ 'OLD.md': `${AGENT_LINE}\n${HUMAN}\n` });
    commitDated('a person adds a line, 44 days later', '2026-02-15T03:04:05Z');
    bySession(); // stored: the window starts 30 days before the head
    run.repo.write({ 'OTHER.md': `${HUMAN}\n` });
    commitDated('a commit dated before its parent', '2026-01-20T03:04:05Z');
    const computed = updatedEqualsComputed('a head dated before the last one');
    assert.equal(computed.rows.find((r) => r.key === 'old-session')?.agentLines, 1);
  });

  test('a merge renames a file, then a new commit on the new name carries another session', () => {
    commitOnBranch('renaming', { 'RENAMING.md': 'a note written by a person\n' });
    run.repo.git('merge', '-q', '--no-ff', '--no-commit', 'renaming');
    run.repo.git('mv', 'src/math.ts', 'src/arith.ts');
    commit('merge, renaming math');
    const A = run.sessionId('A');
    const first = bySession(); // stored: A's file gone under its name (the walk sees no merge's rename)
    importSession(run, 'arith-session', 'src/arith.ts', ARITH_LINE, run.repo.git('rev-parse', 'HEAD').trim());
    run.repo.write({ 'src/arith.ts': `${MATH}${SUBTRACT}${ARITH_LINE}\n` });
    commit('the agent line, on the new name');
    // src/arith.ts is now blamed for arith-session, and git blame follows the merge's rename to
    // A's lines: A's state must not change for that (found by review).
    const computed = updatedEqualsComputed('a new commit on a file a merge renamed');
    assert.deepEqual(computed.rows.find((r) => r.key === A)?.patches, first.rows.find((r) => r.key === A)?.patches);
  });

  test('a branch known for a while, then deleted: the same tips, a larger graph', () => {
    const main = run.repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim();
    const LINE = 'The agent wrote this note line before its recorded base commit existed.';
    run.repo.write({ 'BASED.md': `${LINE}\n` });
    commit('a note carrying the agent line');
    run.repo.git('checkout', '-q', '-b', 'gone');
    run.repo.write({ 'GONE.md': 'a person on a branch soon deleted\n' });
    commit('on the branch');
    const base = run.repo.git('rev-parse', 'HEAD').trim();
    run.repo.git('checkout', '-q', main);
    run.repo.git('branch', '-q', '-D', 'gone');
    // Its base is a commit no tip reaches: unknown to the graph, so its commits are those since
    // its start, the note's among them.
    importSession(run, 'based-session', 'BASED.md', LINE, base);
    bySession();
    // The branch comes back for one command (the graph takes the base in), then goes again: the
    // same tips, but the note's commit now precedes the session's base (found by review).
    run.repo.git('branch', '-q', 'gone', base);
    assert.equal(run.repo.trace(['stats', '--json', '--since', '1d']).status, 0);
    run.repo.git('branch', '-q', '-D', 'gone');
    const computed = updatedEqualsComputed('the same tips, the base now in the graph');
    assert.equal(computed.rows.find((r) => r.key === 'based-session'), undefined);
  });

  /** A commit on a new branch, then back to the branch before. */
  function commitOnBranch(branch: string, files: Record<string, string>): void {
    const back = run.repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim();
    run.repo.git('checkout', '-q', '-b', branch);
    run.repo.write(files);
    commit(`on ${branch}`);
    run.repo.git('checkout', '-q', back);
  }

  /** A commit, with its committer date set when given (the window starts from the head's). */
  function commitDated(message: string, date: string | undefined): void {
    run.repo.git('add', '-A');
    const saved = process.env['GIT_COMMITTER_DATE'];
    if (date !== undefined) process.env['GIT_COMMITTER_DATE'] = date;
    try {
      run.repo.git('commit', '-q', '-m', message);
    } finally {
      if (saved === undefined) delete process.env['GIT_COMMITTER_DATE'];
      else process.env['GIT_COMMITTER_DATE'] = saved;
    }
  }
});

/** `git trace stats --json --by BY` for each grouping, as printed. */
function statsOutputs(run: ScenarioRun, groupings: readonly string[]): string[] {
  return groupings.map((by) => {
    const result = run.repo.trace(['stats', '--json', '--by', by]);
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  });
}

function withCatalog(run: ScenarioRun, work: (db: Database.Database) => void): void {
  const db = new Database(join(run.repo.dir, '.git', 'opentraces', 'catalog.sqlite'));
  try {
    work(db);
  } finally {
    db.close();
  }
}

/** Drop every answer stats stored, and what it stored with them. */
function forgetStored(run: ScenarioRun): void {
  withCatalog(run, (db) => db.prepare("DELETE FROM catalog_meta WHERE key LIKE 'stats%'").run());
}

/** The answers given from what was stored before a change, then computed from nothing: the same (returned). */
function sameAsComputed(run: ScenarioRun, what: string, groupings: readonly string[]): string[] {
  const updated = statsOutputs(run, groupings);
  forgetStored(run);
  const computed = statsOutputs(run, groupings);
  assert.deepEqual(updated, computed, what);
  return computed;
}

/** Import a one-step session that added `line` to `path`, started long before every commit (its base when given). */
function importSession(run: ScenarioRun, id: string, path: string, line: string, baseCommit?: string): void {
  const file = join(run.repo.dir, '..', `${id}.jsonl`);
  const patch = { path, origin: 'reported', op: 'add', diff: `--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+${line}\n` };
  writeFileSync(
    file,
    [
      { type: 'session', id, agent: 'codex', startedAt: '2025-01-01T00:00:00Z', ...(baseCommit === undefined ? {} : { baseCommit }) },
      { type: 'step', v: 1, id: 'p1', kind: 'prompt', timestamp: '2025-01-01T00:00:00Z', text: `write ${path}` },
      { type: 'step', v: 1, id: 'c1', kind: 'tool', timestamp: '2025-01-01T00:00:05Z', tool: { name: 'apply_patch', callId: 'c1', input: {}, status: 'ok' }, patches: [patch] },
    ]
      .map((r) => `${JSON.stringify(r)}\n`)
      .join(''),
  );
  const imported = run.repo.trace(['import', '--format', 'steps', file]);
  rmSync(file, { force: true });
  assert.equal(imported.status, 0, imported.stderr);
}
