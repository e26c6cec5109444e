import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openGit } from '../../refs/handle.js';
import { formatTree } from '../../refs/tree-format.js';
import { parseTree } from '../../refs/object-reader.js';
import { editTree, flattenTree } from '../../refs/tree-edit.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

for (const objectFormat of ['sha1', 'sha256'] as const) {
  describe(`objects in a ${objectFormat} repository`, () => {
    const repos: TempRepo[] = [];
    after(() => repos.forEach((r) => r.cleanup()));

    test('blobs, trees and commits written by the writer are what git reads back', async () => {
      const r = tempRepo({}, { objectFormat });
      repos.push(r);
      const handle = await openGit(r.dir);
      try {
        const blob = await handle.writer.writeBlob('hello\n');
        assert.equal(r.git('cat-file', '-p', blob), 'hello\n');
        const tree = await handle.writer.writeTree([
          { mode: '100644', type: 'blob', name: 'b.txt', oid: blob },
          { mode: '100644', type: 'blob', name: 'a.txt', oid: blob },
        ]);
        assert.equal(r.git('ls-tree', '--name-only', tree), 'a.txt\nb.txt\n');
        const commit = await handle.writer.writeCommit({ tree, parents: [], message: 'internal' });
        assert.equal(r.git('rev-parse', `${commit}^{tree}`).trim(), tree);
        r.git('fsck', '--strict', '--no-dangling');
        assert.equal((await handle.reader.readBlob(blob))?.toString(), 'hello\n');
        assert.deepEqual((await handle.reader.readCommit(commit))?.tree, tree);
        assert.equal(await handle.reader.read('0'.repeat(handle.repo.oidLength)), null);
      } finally {
        handle.close();
      }
    });

    test('editTree adds nested paths and keeps untouched subtrees', async () => {
      const r = tempRepo({}, { objectFormat });
      repos.push(r);
      const handle = await openGit(r.dir);
      try {
        const one = await handle.writer.writeBlob('1');
        const two = await handle.writer.writeBlob('2');
        const base = await editTree(handle.reader, handle.writer, null, new Map([['steps/000/000000.age', one], ['meta.age', one]]));
        const next = await editTree(handle.reader, handle.writer, base, new Map([['steps/000/000001.age', two], ['meta.age', two]]));
        const files = await flattenTree(handle.reader, next);
        assert.deepEqual(Object.fromEntries(files), { 'meta.age': two, 'steps/000/000000.age': one, 'steps/000/000001.age': two });
        r.git('fsck', '--strict');
      } finally {
        handle.close();
      }
    });
  });
}

test('tree entries round-trip through formatTree and parseTree in git order', () => {
  const oid = 'ab'.repeat(20);
  const entries = [
    { mode: '100644', type: 'blob' as const, name: 'a-b', oid },
    { mode: '040000', type: 'tree' as const, name: 'a', oid },
    { mode: '100644', type: 'blob' as const, name: 'a.c', oid },
  ];
  const parsed = parseTree(formatTree(entries, 20), 20);
  // git compares a tree's name as if it ended in '/', so 'a-b' < 'a.c' < 'a/'.
  assert.deepEqual(parsed.map((e) => e.name), ['a-b', 'a.c', 'a']);
  assert.deepEqual(parsed.find((e) => e.name === 'a')?.type, 'tree');
});
