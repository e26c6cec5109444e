// The catalog's history (graph, paths, diffs as hashes) and the cost of a command: commits
// indexed and diffed once (new ones only), damage diffed again; warm track and blame run no
// rev-list and no diff-tree, one blame per file.

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { anchorNewCommits } from '../../lib/trail/anchor-new.js';
import { openTrail } from '../../lib/trail/scope.js';
import { openRepo, type TraceRepo } from '../../lib/trace-repo.js';
import { MATH, MULTIPLY, ScenarioRun, SUBTRACT, UPPER } from './scenario.js';

async function withRepo<T>(dir: string, use: (repo: TraceRepo) => Promise<T>): Promise<T> {
  const repo = await openRepo(dir);
  try {
    return await use(repo);
  } finally {
    repo.close();
  }
}

describe('the catalog of history', () => {
  const run = new ScenarioRun({
    name: 'cache',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract, multiply and string helpers' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { s: 'A', edit: 'A2', files: { 'src/str.ts': UPPER } },
      { commit: 'subtract and helpers' },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());

  const gitCalls = (args: readonly string[]): string[] => {
    const log = join(run.repo.dir, '.git', 'git-trace.log');
    rmSync(log, { force: true });
    const result = run.repo.trace(args, { env: { GIT_TRACE: log } });
    assert.equal(result.status, 0, result.stderr);
    const calls = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('trace: built-in: git '));
    return calls.map((l) => (l.replace(/.*trace: built-in: git /, '').split(' ')[0] ?? '').replace(/'/g, ''));
  };
  const count = (calls: readonly string[], name: string): number => calls.filter((c) => c === name).length;

  const dropCatalog = (): void => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(run.repo.dir, '.git', 'opentraces', `catalog.sqlite${suffix}`), { force: true });
  };

  test('track indexes the history once (cold), then runs no rev-list and no diff-tree (warm), and one blame per file', () => {
    dropCatalog();
    const cold = gitCalls(['track', run.sessionId('A')]);
    // The commit graph, walked once; and the session's own commits once, for their signatures.
    assert.equal(count(cold, 'rev-list'), 2, 'the graph and the session, each walked once');
    assert.equal(count(cold, 'diff-tree'), 2, 'paths of every commit, then the diffs of those touching the session files');
    assert.equal(count(cold, 'blame'), 2, 'src/math.ts and src/str.ts');
    const warm = gitCalls(['track', run.sessionId('A')]);
    assert.equal(count(warm, 'rev-list'), 0);
    assert.equal(count(warm, 'diff-tree'), 0);
  });

  test('blame runs one blame for the file asked and nothing else that walks history', () => {
    const calls = gitCalls(['blame', 'src/math.ts']);
    assert.equal(count(calls, 'rev-list'), 0);
    assert.equal(count(calls, 'blame'), 1);
    assert.equal(count(calls, 'diff-tree'), 0);
  });

  test('the diffs are kept as hashes, never the text of a line', async () => {
    await withRepo(run.repo.dir, async (repo) => {
      const { db } = await repo.catalog();
      const records = (db.prepare('SELECT record FROM commits').all() as { record: string }[]).map((r) => r.record).join('\n');
      assert.ok(records.length > 0);
      for (const plain of ['subtract', 'toUpperCase', 'return a - b', 'number']) assert.ok(!records.includes(plain), plain);
    });
  });

  test('a new commit joins the graph and is diffed by anchorNewCommits (the post-commit flush), once', async () => {
    const head = run.repo.commit('multiply', { 'src/math.ts': MATH + SUBTRACT + MULTIPLY });
    await withRepo(run.repo.dir, async (repo) => {
      assert.equal((await anchorNewCommits(repo)).anchored, 1);
      const ctx = await openTrail(repo);
      assert.equal(ctx.graph.has(head), true);
      assert.equal(ctx.cache.has(head), true);
      assert.deepEqual(await anchorNewCommits(repo), { anchored: 0 });
    });
    const calls = gitCalls(['track', run.sessionId('A')]);
    assert.equal(count(calls, 'diff-tree'), 0);
  });

  test('a damaged diff record is diffed again', async () => {
    const head = run.repo.git('rev-parse', 'HEAD').trim();
    await withRepo(run.repo.dir, async (repo) => {
      const { db } = await repo.catalog();
      db.prepare('UPDATE commits SET record = ? WHERE id = ?').run('{"c":"torn', head);
      const ctx = await openTrail(repo);
      await ctx.cache.ensure([head]);
      assert.equal(ctx.cache.diffed, 1);
      assert.ok(ctx.cache.get(head)?.files.some((f) => f.path === 'src/math.ts'));
    });
  });

  test('paths git quotes (tab, quote, non-ASCII) are read back as they are', async () => {
    const name = 'src/odd "näme"\tx.ts';
    const id = run.repo.commit('odd name', { [name]: 'export const oddity = computeOddity();\n' });
    await withRepo(run.repo.dir, async (repo) => {
      const ctx = await openTrail(repo);
      await ctx.cache.ensure([id]);
      assert.deepEqual(ctx.cache.get(id)?.files.map((f) => [f.path, f.hunks.map((h) => h.added.map((a) => a.n))]), [[name, [[1]]]]);
      const paths = ctx.db.prepare("SELECT path FROM commit_paths WHERE commit_id = ? AND path != ''").all(id) as { path: string }[];
      assert.deepEqual(paths.map((p) => p.path), [name]);
    });
  });

  test('deleting the catalog loses nothing: the same states come back', () => {
    const before = run.repo.trace(['track', '--json', run.sessionId('A')]).stdout;
    dropCatalog();
    const after = run.repo.trace(['track', '--json', run.sessionId('A')]).stdout;
    assert.deepEqual(JSON.parse(after), JSON.parse(before));
  });
});
