// The hook finds its repository without a git process (findRepoQuickly): in every layout it
// must give exactly what `git rev-parse` gives (findRepo), or ask git itself.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findRepo, findRepoQuickly } from '../../refs/repo.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

const repos: TempRepo[] = [];
const dirs: string[] = [];
after(() => {
  for (const r of repos) r.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function same(cwd: string): Promise<void> {
  assert.deepEqual(await findRepoQuickly(cwd), await findRepo(cwd), cwd);
}

test('a plain repository, from its top, a subfolder and a symlinked path; SHA-256 too', async () => {
  const r = tempRepo({ 'src/deep/a.ts': 'a\n' });
  const r256 = tempRepo({ 'a.ts': 'a\n' }, { objectFormat: 'sha256' });
  repos.push(r, r256);
  await same(r.dir);
  await same(join(r.dir, 'src', 'deep'));
  await same(r256.dir);
  const outside = mkdtempSync(join(tmpdir(), 'git-trace-link-'));
  dirs.push(outside);
  symlinkSync(join(r.dir, 'src'), join(outside, 'src-link'));
  await same(join(outside, 'src-link', 'deep'));
});

test('a linked worktree, a bare repository, a submodule-style core.worktree: the same answers', async () => {
  const r = tempRepo({ 'a.ts': 'a\n' });
  repos.push(r);
  const linked = mkdtempSync(join(tmpdir(), 'git-trace-wt-'));
  dirs.push(linked);
  rmSync(linked, { recursive: true });
  r.git('worktree', 'add', '-q', linked);
  mkdirSync(join(linked, 'sub'));
  await same(join(linked, 'sub'));
  const bare = tempRepo({}, { bare: true });
  repos.push(bare);
  await same(bare.dir);
  r.git('config', 'core.worktree', r.dir);
  await same(r.dir);
});

test('outside any repository: the same error as git gives', async () => {
  const none = mkdtempSync(join(tmpdir(), 'git-trace-none-'));
  dirs.push(none);
  const quick = await findRepoQuickly(none).then(() => 'found', (e: Error) => e.message);
  const slow = await findRepo(none).then(() => 'found', (e: Error) => e.message);
  assert.equal(quick, slow);
});
