// Snapshots by tree edit (lib/capture/tree-edit.ts) against git's own answer: for each kind of
// change, the tree edited at the changed paths is the very tree `git add -A` + `write-tree`
// makes of the same work tree (same id, so fsck-clean and diffable as before); what the edit
// cannot make (a folder, a symlink) is refused, for the index's way; nothing of it lands in the
// repository's own object store. Real repositories in both object formats.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { findRepo } from '../../refs/repo.js';
import { snapshotObjects } from '../../lib/capture/snapshot.js';
import { editTree } from '../../lib/capture/tree-edit.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

const repos: TempRepo[] = [];
after(() => {
  for (const r of repos) r.cleanup();
});

function setUp(objectFormat: 'sha1' | 'sha256'): TempRepo {
  const r = tempRepo(
    {
      '.gitignore': 'build/\n*.log\n',
      'README.md': 'hello\n',
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': 'export const b = 2;\n',
      'src/deep/only.ts': 'export const only = 3;\n',
      'src/a-b.ts': 'ordering: a-b sorts before a/ in git\n',
      'docs/ünïcode ñame.md': 'names are bytes\n',
      'tracked.log': 'tracked although ignored\n',
    },
    { objectFormat },
  );
  repos.push(r);
  return r;
}

/** What git makes of the whole work tree, with an index of its own and objects kept apart. */
function gitTree(r: TempRepo, objectsDir: string): string {
  const env = { ...process.env, GIT_INDEX_FILE: join(r.dir, '.git', 'check-index'), GIT_OBJECT_DIRECTORY: objectsDir, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(r.dir, '.git', 'objects') };
  rmSync(env.GIT_INDEX_FILE, { force: true });
  mkdirSync(objectsDir, { recursive: true });
  const run = (...args: string[]): string => execFileSync('git', args, { cwd: r.dir, env, encoding: 'utf8' }).trim();
  run('read-tree', 'HEAD');
  run('add', '-A', '.');
  return run('write-tree');
}

for (const [format, packed] of [['sha1', false], ['sha256', false], ['sha1', true], ['sha256', true]] as const) {
  test(`${format}${packed ? ', objects packed' : ''}: every kind of file change edited into the tree gives git's own tree`, async () => {
    const r = setUp(format);
    if (packed) r.git('gc', '-q', '--prune=now');
    const repo = await findRepo(r.dir);
    const objectsDir = join(r.dir, '.git', 'private-objects');
    const env = snapshotObjects(repo, objectsDir);
    const base = r.git('rev-parse', 'HEAD^{tree}').trim();
    const countBefore = r.git('count-objects', '-v');

    writeFileSync(join(r.dir, 'src/a.ts'), 'export const a = 10;\n'); // modified
    rmSync(join(r.dir, 'src/b.ts')); // deleted
    rmSync(join(r.dir, 'src/deep/only.ts')); // the last file of a folder: the folder goes
    mkdirSync(join(r.dir, 'src/new/nested'), { recursive: true });
    writeFileSync(join(r.dir, 'src/new/nested/c.ts'), 'export const c = 4;\n'); // new, in new folders
    writeFileSync(join(r.dir, 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(r.dir, 'run.sh'), 0o755); // executable
    writeFileSync(join(r.dir, 'debug.log'), 'ignored and new: stays out\n');
    mkdirSync(join(r.dir, 'build'), { recursive: true });
    writeFileSync(join(r.dir, 'build/out.js'), 'ignored folder\n');
    writeFileSync(join(r.dir, 'tracked.log'), 'tracked, ignored, changed: kept\n');
    writeFileSync(join(r.dir, 'docs/ünïcode ñame.md'), 'names are bytes, still\n');
    writeFileSync(join(r.dir, 'src/a-b.ts'), 'changed too\n');
    const paths = ['src/a.ts', 'src/b.ts', 'src/deep/only.ts', 'src/new/nested/c.ts', 'run.sh', 'debug.log', 'build/out.js', 'tracked.log', 'docs/ünïcode ñame.md', 'src/a-b.ts', 'never/existed.ts'];

    const edited = await editTree(repo, { workTree: r.dir, base, paths, objectsEnv: env, objectsDir });
    assert.notEqual(edited, null);
    assert.equal(edited, gitTree(r, join(r.dir, '.git', 'check-objects')));
    assert.equal(r.git('count-objects', '-v'), countBefore, "nothing written to the repository's object store");
    const listed = execFileSync('git', ['ls-tree', '-r', '--name-only', edited as string], { cwd: r.dir, env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.doesNotMatch(listed, /debug\.log|build\/out\.js|src\/deep/);
    assert.match(listed, /src\/new\/nested\/c\.ts/);
  });
}

// The blobs are hashed in the hook's own process only where git would store the bytes as they
// are; wherever attributes or line-ending settings could change them, git hashes. Each case is
// checked against git's own tree of the same work tree.
describe("what git would change on the way in is git's to hash", () => {
  const cases: readonly { name: string; setUp: (r: TempRepo) => void }[] = [
    { name: 'a .gitattributes asking for text normalization', setUp: (r) => r.commit('attributes', { '.gitattributes': '*.txt text\n' }) },
    { name: 'a .gitattributes in a parent folder only', setUp: (r) => r.commit('attributes', { 'notes/.gitattributes': '*.txt text\n' }) },
    {
      name: 'a clean filter named by attributes',
      setUp: (r) => {
        r.git('config', 'filter.upper.clean', 'tr a-z A-Z');
        r.commit('attributes', { '.gitattributes': '*.txt filter=upper\n' });
      },
    },
    { name: 'info/attributes', setUp: (r) => writeFileSync(join(r.dir, '.git', 'info', 'attributes'), '*.txt text\n') },
    { name: 'core.autocrlf', setUp: (r) => r.git('config', 'core.autocrlf', 'true') },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = setUp('sha1');
      c.setUp(r);
      const repo = await findRepo(r.dir);
      const objectsDir = join(r.dir, '.git', 'private-objects');
      const objectsEnv = snapshotObjects(repo, objectsDir);
      const base = gitTree(r, objectsDir);
      mkdirSync(join(r.dir, 'notes'), { recursive: true });
      writeFileSync(join(r.dir, 'notes', 'crlf.txt'), 'windows\r\nline endings\r\n');
      writeFileSync(join(r.dir, 'README.md'), 'hello again\r\n');
      const edited = await editTree(repo, { workTree: r.dir, base, paths: ['notes/crlf.txt', 'README.md'], objectsEnv, objectsDir });
      assert.equal(edited, gitTree(r, join(r.dir, '.git', 'check-objects')));
    });
  }
});

test('no change: the base tree itself; a folder or a symlink among the paths: refused (null)', async () => {
  const r = setUp('sha1');
  const repo = await findRepo(r.dir);
  const objectsDir = join(r.dir, '.git', 'private-objects');
  const env = snapshotObjects(repo, objectsDir);
  const base = r.git('rev-parse', 'HEAD^{tree}').trim();
  assert.equal(await editTree(repo, { workTree: r.dir, base, paths: [], objectsEnv: env, objectsDir }), base);
  assert.equal(await editTree(repo, { workTree: r.dir, base, paths: ['README.md'], objectsEnv: env, objectsDir }), base);
  mkdirSync(join(r.dir, 'made'));
  assert.equal(await editTree(repo, { workTree: r.dir, base, paths: ['made'], objectsEnv: env, objectsDir }), null);
  symlinkSync('README.md', join(r.dir, 'link'));
  assert.equal(await editTree(repo, { workTree: r.dir, base, paths: ['link'], objectsEnv: env, objectsDir }), null);
  assert.equal(await editTree(repo, { workTree: r.dir, base, paths: ['.git/config'], objectsEnv: env, objectsDir }), null);
});
