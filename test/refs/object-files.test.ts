// Objects read straight from the object store's files (refs/object-files.ts) against git's own
// answer: every object of a real history, loose, then packed with deep delta chains, then in a
// clone that borrows them through info/alternates; objects written here are what git reads.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { applyDelta, objectDirsOf, ObjectFiles, objectId, writeLooseObject } from '../../refs/object-files.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

/** Every object git has, with its type and bytes, as `cat-file --batch-all-objects --batch` gives them. */
function allObjects(dir: string): Map<string, { type: string; data: Buffer }> {
  const out = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch', '--unordered'], { cwd: dir, maxBuffer: 1 << 28 });
  const objects = new Map<string, { type: string; data: Buffer }>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    const [oid, type, size] = out.toString('latin1', at, eol).split(' ');
    const start = eol + 1;
    objects.set(oid as string, { type: type as string, data: out.subarray(start, start + Number(size)) });
    at = start + Number(size) + 1;
  }
  return objects;
}

/** A history whose files change a little at a time: what packs store as deltas. */
function history(objectFormat: 'sha1' | 'sha256'): TempRepo {
  const r = tempRepo({}, { objectFormat });
  const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'x'.repeat(i % 50)}`);
  for (let c = 0; c < 30; c++) {
    lines[(c * 37) % lines.length] = `changed in commit ${c}`;
    r.commit(`commit ${c}`, { 'src/big.txt': `${lines.join('\n')}\n`, [`src/deep/dir${c % 4}/f.txt`]: `version ${c}\n`, 'README.md': `readme ${c}\n` });
  }
  return r;
}

function assertReadsAll(r: TempRepo, files: ObjectFiles, dir: string = r.dir): number {
  const objects = allObjects(dir);
  for (const [oid, expected] of objects) {
    const read = files.read(oid);
    assert.ok(read !== null, `object ${oid} (${expected.type}) not read`);
    assert.equal(read.type, expected.type, oid);
    assert.ok(read.data.equals(expected.data), `object ${oid} (${expected.type}) read with other bytes`);
  }
  return objects.size;
}

for (const objectFormat of ['sha1', 'sha256'] as const) {
  describe(`object files of a ${objectFormat} repository`, () => {
    const repos: TempRepo[] = [];
    const dirs: string[] = [];
    after(() => {
      repos.forEach((r) => r.cleanup());
      dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    });

    test('every loose object, then every packed one (deltas 50 deep), reads as git reads it', () => {
      const r = history(objectFormat);
      repos.push(r);
      const objectsDir = join(r.dir, '.git', 'objects');
      const loose = new ObjectFiles(objectDirsOf(objectsDir), objectFormat);
      assert.ok(assertReadsAll(r, loose) > 90);
      loose.close();
      r.git('repack', '-a', '-d', '-f', '--depth=50', '--window=250', '-q');
      r.git('prune-packed');
      const stats = r.git('count-objects', '-v');
      assert.match(stats, /^count: 0$/m, 'all packed');
      assert.match(r.git('verify-pack', '-v', ...packIndexes(r)), /chain length = [2-9]/, 'some deltas are chains');
      const packed = new ObjectFiles(objectDirsOf(objectsDir), objectFormat);
      assertReadsAll(r, packed);
      assert.equal(packed.read('0'.repeat(objectFormat === 'sha1' ? 40 : 64)), null, 'an object nobody has');
      assert.equal(packed.read('not an id'), null);
      packed.close();
    });

    test("a clone borrowing its objects through info/alternates reads them from the source's packs", () => {
      const r = history(objectFormat);
      repos.push(r);
      r.git('gc', '-q');
      const parent = mkdtempSync(join(tmpdir(), 'git-trace-alt-'));
      dirs.push(parent);
      const clone = join(parent, 'clone');
      execFileSync('git', ['clone', '-q', '--shared', r.dir, clone]);
      const objectsDir = join(clone, '.git', 'objects');
      assert.deepEqual(objectDirsOf(objectsDir).length, 2);
      const files = new ObjectFiles(objectDirsOf(objectsDir), objectFormat);
      assert.ok(assertReadsAll(r, files, clone) > 90);
      files.close();
    });

    test('objects written here are what git reads, with the ids git gives them', () => {
      const r = tempRepo({}, { objectFormat });
      repos.push(r);
      const objectsDir = join(r.dir, '.git', 'objects');
      const content = Buffer.from('a blob written in process\n'.repeat(400));
      const id = writeLooseObject(objectsDir, 'blob', content, objectFormat);
      const hashed = execFileSync('git', ['hash-object', '--stdin'], { cwd: r.dir, input: content, encoding: 'utf8' }).trim();
      assert.equal(id, hashed);
      assert.equal(objectId('blob', content, objectFormat), hashed);
      assert.ok(execFileSync('git', ['cat-file', 'blob', id], { cwd: r.dir }).equals(content));
      assert.equal(writeLooseObject(objectsDir, 'blob', content, objectFormat), id, 'written again: the same, left as it is');
      r.git('fsck', '--strict', '--no-dangling');
    });
  });
}

test('a delta that reaches past its base, or names another size, is refused', () => {
  const base = Buffer.from('0123456789');
  // Sizes 10 -> 4, then copy 4 bytes from offset 8 (past the end).
  assert.equal(applyDelta(base, Buffer.from([10, 4, 0x80 | 0x01 | 0x10, 8, 4])), null);
  assert.equal(applyDelta(base, Buffer.from([9, 4, 0x80 | 0x10, 4])), null, 'the base is 10 bytes, not 9');
  // Copy 4 bytes from offset 2, insert "ab": "2345ab".
  assert.equal(applyDelta(base, Buffer.from([10, 6, 0x80 | 0x01 | 0x10, 2, 4, 2, 97, 98]))?.toString(), '2345ab');
});

function packIndexes(r: TempRepo): string[] {
  const dir = join(r.dir, '.git', 'objects', 'pack');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.idx'))
    .map((name) => join(dir, name));
}
