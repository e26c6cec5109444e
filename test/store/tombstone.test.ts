// Which tombstones may forget a session: one row per way a tombstone can be wrong, and the one
// way it is right (empty, parentless, naming its session, signed by a current recipient).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureSigningKey, GIT_NAMESPACE } from '../../lib/crypto/signing.js';
import { commitSignerOf, type UserSigner } from '../../lib/store/keyring.js';
import { commitMessage } from '../../lib/store/layout.js';
import { checkTombstone, writeTombstone } from '../../lib/store/tombstone.js';
import { trustContext } from '../../lib/store/trust.js';
import type { TraceRepo } from '../../lib/trace-repo.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { openInitializedRepo } from '../helpers/store.js';

let r: TempRepo;
let repo: TraceRepo;
let ours: UserSigner;
let outsider: UserSigner;

before(async () => {
  r = tempRepo();
  repo = await openInitializedRepo(r.dir);
  const signer = await repo.keys.signer();
  assert.ok(signer !== null);
  ours = signer;
  outsider = commitSignerOf((await ensureSigningKey(join(r.dir, '.git', 'outsider.key'))).key, GIT_NAMESPACE);
});
after(() => {
  repo.close();
  r.cleanup();
});

/** A commit built by hand, for the rows a well-behaved writer never makes. */
async function handMade(options: { message: string; signer: UserSigner | null; content?: boolean; parent?: boolean }): Promise<string> {
  const { writer } = repo.git;
  const tree = options.content === true ? await writer.writeTree([{ mode: '100644', type: 'blob', name: 'x.age', oid: await writer.writeBlob('age-encryption.org/v1\n') }]) : await writer.writeTree([]);
  const parents = options.parent === true ? [await writer.writeCommit({ tree, parents: [], message: commitMessage('forget') })] : [];
  return writer.writeCommit({ tree, parents, message: options.message, signer: options.signer });
}

const message = (id: string): string => `${commitMessage('forget')}Opentraces-Forgotten: ${id}\n`;

test('a tombstone forgets its session only when a current recipient signed it and it holds nothing', async (t) => {
  const rows: { name: string; make: () => Promise<string>; id: string; expect: RegExp | 'accepted' }[] = [
    { name: 'written by forget, signed by a recipient', make: () => writeTombstone(repo.git, 's-1', ours), id: 's-1', expect: 'accepted' },
    { name: 'signed by a key no recipient holds', make: () => writeTombstone(repo.git, 's-1', outsider), id: 's-1', expect: /not a current recipient's/ },
    { name: 'unsigned', make: () => handMade({ message: message('s-1'), signer: null }), id: 's-1', expect: /not signed/ },
    { name: "another session's tombstone at this id's ref", make: () => writeTombstone(repo.git, 's-2', ours), id: 's-1', expect: /names another session \('s-2'\)/ },
    { name: 'naming no session', make: () => handMade({ message: commitMessage('forget'), signer: ours }), id: 's-1', expect: /names no session/ },
    { name: 'with content', make: () => handMade({ message: message('s-1'), signer: ours, content: true }), id: 's-1', expect: /has content or history/ },
    { name: 'with a parent', make: () => handMade({ message: message('s-1'), signer: ours, parent: true }), id: 's-1', expect: /has content or history/ },
  ];
  const trust = await trustContext(repo.git);
  for (const row of rows) {
    await t.test(row.name, async () => {
      const check = await checkTombstone(repo.git, trust, row.id, await row.make());
      if (row.expect === 'accepted') {
        assert.equal(check.kind, 'accepted');
        assert.equal(check.kind === 'accepted' ? check.signedBy : '', 'test');
      } else {
        assert.equal(check.kind, 'refused');
        assert.match(check.kind === 'refused' ? check.reason : '', row.expect);
      }
    });
  }
});
