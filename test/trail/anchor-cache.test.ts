// The anchor cache and the cost of a command: hashes only, commits diffed once (new ones only),
// damage skipped; track and blame run one rev-list, at most one diff-tree, one blame per file.

import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnchorCache, anchorDir } from '../../lib/trail/anchor-cache.js';
import { anchorNewCommits } from '../../lib/trail/anchor-new.js';
import { findRepo } from '../../refs/repo.js';
import { MATH, MULTIPLY, ScenarioRun, SUBTRACT, UPPER } from './scenario.js';

describe('the anchor cache', () => {
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

  test('track runs one rev-list, one diff-tree (cold), then none (warm), and one blame per file', () => {
    // flush (run by the scenario) anchors new commits already: start from an empty cache.
    rmSync(join(run.repo.dir, '.git', 'opentraces', 'anchors'), { recursive: true, force: true });
    const cold = gitCalls(['track', run.sessionId('A')]);
    assert.equal(count(cold, 'rev-list'), 1);
    assert.equal(count(cold, 'diff-tree'), 1);
    assert.equal(count(cold, 'blame'), 2, 'src/math.ts and src/str.ts');
    const warm = gitCalls(['track', run.sessionId('A')]);
    assert.equal(count(warm, 'rev-list'), 1);
    assert.equal(count(warm, 'diff-tree'), 0);
  });

  test('blame runs one rev-list and one blame for the file asked', () => {
    const calls = gitCalls(['blame', 'src/math.ts']);
    assert.equal(count(calls, 'rev-list'), 1);
    assert.equal(count(calls, 'blame'), 1);
    assert.equal(count(calls, 'diff-tree'), 0);
  });

  test('the cache holds hashes, never the text of a line', () => {
    const text = readFileSync(join(run.repo.dir, '.git', 'opentraces', 'anchors', 'v1', 'commits.jsonl'), 'utf8');
    assert.ok(text.length > 0);
    for (const plain of ['subtract', 'toUpperCase', 'return a - b', 'number']) assert.ok(!text.includes(plain), plain);
  });

  test('a new commit is the only one diffed next time; anchorNewCommits diffs it right away', async () => {
    run.repo.commit('multiply', { 'src/math.ts': MATH + SUBTRACT + MULTIPLY });
    const repo = await findRepo(run.repo.dir);
    const head = run.repo.git('rev-parse', 'HEAD').trim();
    assert.equal(AnchorCache.open(repo).has(head), false);
    assert.ok((await anchorNewCommits(repo)).anchored >= 1);
    assert.equal(AnchorCache.open(repo).has(head), true);
    assert.deepEqual(await anchorNewCommits(repo), { anchored: 0 });
    const calls = gitCalls(['track', run.sessionId('A')]);
    assert.equal(count(calls, 'diff-tree'), 0);
  });

  test('a torn or foreign line in the cache is skipped and its commit diffed again', async () => {
    const repo = await findRepo(run.repo.dir);
    const file = join(anchorDir(repo), 'commits.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    const head = run.repo.git('rev-parse', 'HEAD').trim();
    const kept = lines.filter((l) => !l.includes(head));
    rmSync(file);
    appendFileSync(file, `${kept.join('\n')}\n{"c":"${head}","f":[{"p":1}]}\nnot json at all\n{"c":"torn`);
    const cache = AnchorCache.open(repo);
    assert.equal(cache.has(head), false);
    await cache.ensure([head]);
    assert.equal(cache.diffed, 1);
    assert.equal(AnchorCache.open(repo).has(head), true);
  });

  test('paths git quotes (tab, quote, non-ASCII) are read back as they are', async () => {
    const name = 'src/odd "näme"\tx.ts';
    const id = run.repo.commit('odd name', { [name]: 'export const oddity = computeOddity();\n' });
    const repo = await findRepo(run.repo.dir);
    const cache = AnchorCache.open(repo);
    await cache.ensure([id]);
    assert.deepEqual(cache.get(id)?.files.map((f) => [f.path, f.hunks.map((h) => h.added.map((a) => a.n))]), [[name, [[1]]]]);
  });

  test('deleting the cache loses nothing: the same states come back', () => {
    const before = run.repo.trace(['track', '--json', run.sessionId('A')]).stdout;
    rmSync(join(run.repo.dir, '.git', 'opentraces', 'anchors'), { recursive: true });
    const after = run.repo.trace(['track', '--json', run.sessionId('A')]).stdout;
    assert.deepEqual(JSON.parse(after), JSON.parse(before));
  });
});
