import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { openGit } from '../../refs/handle.js';
import { PackBatch, UNPACK_LIMIT } from '../../refs/pack-writer.js';
import { zlibStored } from '../../refs/zlib-stored.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

test('zlibStored makes a zlib stream that inflates to its input at every block boundary', () => {
  for (const size of [0, 1, 100, 5552, 5553, 65535, 65536, 131071, 300_000]) {
    const data = randomBytes(size);
    assert.ok(inflateSync(zlibStored(data)).equals(data), `${size} random bytes`);
  }
  // All 0xff: the Adler-32 sums grow fastest; a missed reduction shows as a checksum error.
  const ones = Buffer.alloc(1_000_000, 0xff);
  assert.ok(inflateSync(zlibStored(ones)).equals(ones));
});

for (const objectFormat of ['sha1', 'sha256'] as const) {
  describe(`PackBatch in a ${objectFormat} repository`, () => {
    const repos: TempRepo[] = [];
    after(() => repos.forEach((r) => r.cleanup()));

    for (const count of [3, UNPACK_LIMIT + 5]) {
      test(`${count} objects (${count < UNPACK_LIMIT ? 'loose' : 'a pack'}) have the ids git computes and read back as written`, async () => {
        const r = tempRepo({}, { objectFormat });
        repos.push(r);
        const handle = await openGit(r.dir);
        try {
          const batch = new PackBatch(handle.repo);
          const blobs = Array.from({ length: count - 2 }, (_, i) => (i % 2 === 0 ? randomBytes(200 + i * 37) : Buffer.from(`text ${i}\n`.repeat(i + 1))));
          const ids = blobs.map((b) => batch.writeBlob(b));
          const tree = batch.writeTree(ids.slice(0, 2).map((oid, i) => ({ mode: '100644', type: 'blob', name: `f${i}.age`, oid })));
          const commit = batch.writeCommit({ tree, parents: [], message: 'flush', ident: 'Trace <t@example.com>', time: 1_780_000_000 });
          await batch.write();
          for (const [i, data] of blobs.entries()) {
            assert.equal(r.git('cat-file', '-s', ids[i] as string).trim(), String(data.length));
            assert.ok((await handle.reader.readBlob(ids[i] as string))?.equals(data), `blob ${i}`);
          }
          assert.equal(r.git('rev-parse', `${commit}^{tree}`).trim(), tree);
          // fsck rehashes every object: an id computed wrongly here fails it.
          r.git('fsck', '--strict', '--no-dangling');
        } finally {
          handle.close();
        }
      });
    }
  });
}
