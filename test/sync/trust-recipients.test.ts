// The attacks of issue 13 on the recipients list that signatures defeat (an outsider enrolling
// themselves, a key slipped into the removed keys, a removed recipient who goes on signing), and
// the legitimate path (a recipient adds someone) that still works and is printed.
// (Split from trust.test.ts so the runner can run the two side by side.)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adaAndBob, execGit, git, ok, SharedRemote, trace, type User } from '../helpers/clones.js';

describe('an outsider who enrols themselves in the recipients', () => {
  const shared = new SharedRemote('git-trace-enrol-');
  let bob: User;
  let outsider: User;
  before(() => {
    ({ bob } = adaAndBob(shared));
    outsider = shared.user('outsider');
    ok(outsider, 'fetch');
    ok(outsider, 'init');
    ok(outsider, 'push');
  });
  after(() => shared.cleanup());

  test("the recipient's fetch refuses the change with one line saying who, why and what to run", () => {
    const before = ok(bob, 'recipients', '--json');
    const fetched = trace(bob, 'fetch');
    assert.equal(fetched.status, 0, fetched.stderr);
    assert.equal(
      fetched.stderr,
      "warning: refused a change of recipients from 'origin' (added outsider@example.com; signed by the key it gives outsider@example.com): not signed by a current recipient; your recipients are unchanged; to accept it: git trace recipients accept origin\n",
    );
    assert.match(fetched.stdout, /recipients refused/);
    assert.equal(ok(bob, 'recipients', '--json'), before, 'the local recipients are unchanged');
    assert.equal(git(bob.dir, 'rev-parse', 'refs/opentraces/remotes/origin/meta').trim(), git(shared.bare, 'rev-parse', 'refs/opentraces/meta').trim(), 'kept under the remote-tracking ref');
  });

  test("the recipient's next session is not readable with the outsider's identity", () => {
    shared.importSession(bob, 'bob-next', [{ id: 'b1', text: 'bob after the attack' }]);
    const asOutsider: User = { name: 'outsider-in-bob', dir: bob.dir, env: outsider.env };
    const show = trace(asOutsider, 'show', 'bob-next');
    assert.equal(show.status, 1);
    assert.match(show.stderr, /is not encrypted to your key/);
  });

  test('a push cannot go past the refused change: it says so and what to do', () => {
    const push = trace(bob, 'push');
    assert.equal(push.status, 1);
    assert.match(push.stderr, /^error: cannot push 'refs\/opentraces\/meta' to 'origin': the remote's recipients hold a change not signed by a current recipient\nhint: .*git trace recipients accept origin/);
  });

  test('recipients accept takes the change deliberately and prints it', () => {
    const accepted = ok(bob, 'recipients', 'accept', 'origin');
    assert.match(accepted, /recipients: added outsider@example.com; signed by the key it gives outsider@example.com \(accepted by you\)/);
    assert.equal((JSON.parse(ok(bob, 'recipients', '--json')) as unknown[]).length, 3);
  });
});

describe('a recipient adding another', () => {
  const shared = new SharedRemote('git-trace-add-');
  test('the other clone takes the change on fetch, printed with its signer, and trusts the new writer', () => {
    const { ada, bob } = adaAndBob(shared);
    const carol = shared.user('carol');
    ok(carol, 'fetch');
    const keys = JSON.parse(ok(carol, 'init', '--json')) as { recipient: string; signingKey: string };
    ok(ada, 'recipients', 'add', '--name', 'carol', '--signing-key', keys.signingKey, keys.recipient);
    ok(ada, 'push');
    const fetched = trace(bob, 'fetch');
    assert.equal(fetched.stderr, '');
    assert.match(fetched.stdout, /^recipients: added carol; signed by ada@example.com\n/);
    assert.equal((JSON.parse(ok(bob, 'recipients', '--json')) as unknown[]).length, 3);
    ok(carol, 'fetch');
    shared.importSession(carol, 'carol-1', [{ id: 'c1', text: 'carol writes' }]);
    ok(carol, 'push');
    const sessions = trace(bob, 'fetch');
    assert.equal(sessions.stderr, '');
    const verify = trace(bob, 'verify', 'carol-1');
    assert.equal(verify.status, 0, verify.stdout);
    assert.match(verify.stdout, /ok {5}carol-1 .* signed by carol/);
    shared.cleanup();
  });
});

describe('a key slipped into the list of removed keys', () => {
  const shared = new SharedRemote('git-trace-removed-');
  let bob: User;
  before(() => {
    ({ bob } = adaAndBob(shared));
  });
  after(() => shared.cleanup());
  test("a key slipped into the list of removed keys, the recipients left as they were, is refused too", () => {
    // In a merge a removal wins: this would drop ada from bob's recipients at his next merge.
    const mallory = shared.user('mallory');
    git(mallory.dir, 'fetch', '-q', 'origin', '+refs/opentraces/meta:refs/opentraces/meta');
    const adaKey = ok(mallory, 'recipients', 'list').split('\n').find((l) => l.includes('ada@example.com'))?.split(' ')[0] ?? '';
    const tip = git(mallory.dir, 'rev-parse', 'refs/opentraces/meta').trim();
    const index = `${mallory.dir}/.git/forge-index`;
    execGit(mallory, ['read-tree', tip], undefined, { GIT_INDEX_FILE: index });
    const blob = execGit(mallory, ['hash-object', '-w', '--stdin'], Buffer.from(`${adaKey}\n`));
    execGit(mallory, ['update-index', '--add', '--cacheinfo', `100644,${blob},removed`], undefined, { GIT_INDEX_FILE: index });
    const tree = execGit(mallory, ['write-tree'], undefined, { GIT_INDEX_FILE: index });
    const commit = execGit(mallory, ['commit-tree', tree, '-p', tip, '-m', 'opentraces: recipients\n\nFormat: 1']);
    git(mallory.dir, 'push', '-q', '-f', 'origin', `${commit}:refs/opentraces/meta`);
    const before = ok(bob, 'recipients', '--json');
    const fetched = trace(bob, 'fetch');
    assert.match(fetched.stderr, /refused a change of recipients from 'origin' \(listed a key as removed; signed by nobody\): not signed by a current recipient/);
    assert.equal(ok(bob, 'recipients', '--json'), before);
  });
});

describe('a recipient removed, who goes on signing with their key', () => {
  const shared = new SharedRemote('git-trace-retired-');
  let ada: User;
  let bob: User;
  before(() => {
    ({ ada, bob } = adaAndBob(shared));
    shared.importSession(bob, 'bob-1', [{ id: 'b1', text: 'work bob did while a recipient' }]);
    ok(bob, 'push');
    ok(ada, 'fetch');
    ok(ada, 'recipients', 'remove', 'bob@example.com');
    ok(ada, 'push');
  });
  after(() => shared.cleanup());

  test('what bob signed while a recipient stays trusted, as a former recipient\'s', () => {
    const verify = trace(ada, 'verify', 'bob-1');
    assert.equal(verify.status, 0, verify.stdout);
    assert.match(verify.stdout, /signed by bob@example\.com \(former recipient\)/);
  });

  test('what bob signs after his removal is untrusted: a step added to his session, a new session', () => {
    // Bob never fetches the removal: he writes with the recipients he had, and pushes with git.
    shared.importSession(bob, 'bob-1', [{ id: 'b1', text: 'work bob did while a recipient' }, { id: 'b2', text: 'added after his removal' }]);
    shared.importSession(bob, 'bob-2', [{ id: 'c1', text: 'a session after his removal' }]);
    git(bob.dir, 'push', '-q', 'origin', 'refs/opentraces/sessions/bob-1:refs/opentraces/sessions/bob-1', 'refs/opentraces/sessions/bob-2:refs/opentraces/sessions/bob-2');
    const fetched = trace(ada, 'fetch');
    assert.equal(fetched.status, 0, fetched.stderr);
    assert.match(fetched.stderr, /session 'bob-1' from 'origin' is untrusted: .*commit [0-9a-f]{12} is signed by bob@example\.com after their removal from the recipients/);
    assert.match(fetched.stderr, /session 'bob-2' from 'origin' is untrusted: .*after their removal/);
    for (const id of ['bob-1', 'bob-2']) {
      const verify = trace(ada, 'verify', id);
      assert.equal(verify.status, 1, verify.stdout);
      assert.match(verify.stdout, new RegExp(`${id} {2}untrusted`));
    }
  });

  test('the record travels: a third recipient who fetches judges the same', () => {
    const carol = shared.user('carol');
    const keys = JSON.parse(ok(carol, 'init', '--json')) as { recipient: string; signingKey: string };
    ok(ada, 'recipients', 'add', '--name', 'carol', '--signing-key', keys.signingKey, keys.recipient);
    ok(ada, 'push');
    const fetched = trace(carol, 'fetch');
    assert.equal(fetched.status, 0, fetched.stderr);
    const verify = trace(carol, 'verify', '--json');
    const states = new Map((JSON.parse(verify.stdout) as { sessions: { id: string; trust: string }[] }).sessions.map((s) => [s.id, s.trust]));
    assert.equal(states.get('bob-2'), 'untrusted');
  });
});
