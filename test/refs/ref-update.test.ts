import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openGit } from '../../refs/handle.js';
import { compareAndSwapRef, readRef, updateRefWithRetry } from '../../refs/ref-update.js';
import { tempRepo } from '../helpers/repo.js';

const r = tempRepo();
after(() => r.cleanup());

test('compare-and-swap refuses to move a ref that someone else moved', async () => {
  const handle = await openGit(r.dir);
  try {
    const a = await handle.writer.writeCommit({ tree: r.git('rev-parse', 'HEAD^{tree}').trim(), parents: [], message: 'a' });
    const b = await handle.writer.writeCommit({ tree: r.git('rev-parse', 'HEAD^{tree}').trim(), parents: [a], message: 'b' });
    assert.equal(await compareAndSwapRef(handle.repo, 'refs/opentraces/test', a, null, 'create'), 'updated');
    assert.equal(await compareAndSwapRef(handle.repo, 'refs/opentraces/test', b, null, 'create again'), 'raced');
    assert.equal(await compareAndSwapRef(handle.repo, 'refs/opentraces/test', b, a, 'advance'), 'updated');
    assert.equal(await readRef(handle.repo, 'refs/opentraces/test'), b);
  } finally {
    handle.close();
  }
});

test('a writer that loses a race rebuilds on the new tip and keeps both writes', async () => {
  const handle = await openGit(r.dir);
  try {
    const tree = r.git('rev-parse', 'HEAD^{tree}').trim();
    const ref = 'refs/opentraces/race';
    let calls = 0;
    const tip = await updateRefWithRetry(
      handle.repo,
      ref,
      async (current) => {
        calls++;
        const mine = await handle.writer.writeCommit({ tree, parents: current === null ? [] : [current], message: 'mine' });
        if (calls === 1) {
          // Another writer gets in between our read and our swap.
          const theirs = await handle.writer.writeCommit({ tree, parents: [], message: 'theirs' });
          assert.equal(await compareAndSwapRef(handle.repo, ref, theirs, null, 'theirs'), 'updated');
        }
        return mine;
      },
      { message: 'test' },
    );
    assert.equal(calls, 2);
    assert.deepEqual(r.git('log', '--format=%s', ref).trim().split('\n'), ['mine', 'theirs']);
    assert.equal(tip, await readRef(handle.repo, ref));
  } finally {
    handle.close();
  }
});
