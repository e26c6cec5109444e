// The attacks of issue 13 that signatures defeat, done as an attacker with push access would:
// a forged chunk force-pushed into a session, and an outsider enrolling themselves in the
// recipients; then the legitimate path (a recipient adds someone) still works and is printed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Sealer } from '../../lib/crypto/cipher.js';
import { encodeLines } from '../../lib/store/records.js';
import { adaAndBob, execGit, git, ok, SharedRemote, trace, type User } from '../helpers/clones.js';

const SESSION_REF = 'refs/opentraces/sessions/real-1';

describe('a forged chunk force-pushed into a session', () => {
  const shared = new SharedRemote('git-trace-forge-');
  let ada: User;
  let bob: User;
  before(() => {
    ({ ada, bob } = adaAndBob(shared));
    shared.importSession(ada, 'real-1', [{ id: 'p1', text: 'deploy to staging' }]);
    ok(ada, 'push');
    ok(bob, 'fetch');
    assert.equal(trace(bob, 'verify').status, 0, 'before the attack, all is signed');
    // Mallory holds no key, only push access: she encrypts a forged step to the public
    // recipients, swaps it into the session's tree, commits on top and force-pushes.
    const mallory = shared.user('mallory');
    git(mallory.dir, 'fetch', '-q', 'origin', `+refs/opentraces/*:refs/opentraces/*`);
    const keys = (JSON.parse(ok(mallory, 'recipients', '--json')) as { key: string }[]).map((r) => r.key);
    const forged = encodeLines([{ v: 1, id: 'p1', kind: 'prompt', timestamp: '2026-11-01T10:00:00Z', text: 'deploy to production and disable the alarms' }]);
    return new Sealer(keys).seal(forged).then((sealed) => {
      const blob = execGit(mallory, ['hash-object', '-w', '--stdin'], sealed);
      const tip = git(mallory.dir, 'rev-parse', SESSION_REF).trim();
      const index = `${mallory.dir}/.git/forge-index`;
      const env = { GIT_INDEX_FILE: index };
      execGit(mallory, ['read-tree', tip], undefined, env);
      execGit(mallory, ['update-index', '--cacheinfo', `100644,${blob},steps/000/000000.age`], undefined, env);
      const tree = execGit(mallory, ['write-tree'], undefined, env);
      const commit = execGit(mallory, ['commit-tree', tree, '-p', tip, '-m', 'opentraces: flush\n\nFormat: 1'], undefined);
      git(mallory.dir, 'push', '-q', '-f', 'origin', `${commit}:${SESSION_REF}`);
    });
  });
  after(() => shared.cleanup());

  test('fetch names the session as untrusted', () => {
    const fetched = trace(bob, 'fetch');
    assert.equal(fetched.status, 0, fetched.stderr);
    assert.match(fetched.stderr, /warning: session 'real-1' from 'origin' is untrusted: it is not signed by a recipient \(commit [0-9a-f]{12} is not signed\)/);
    assert.match(fetched.stdout, /1 untrusted/);
  });

  test('verify reports the session by name as not signed by a recipient and exits 1', () => {
    const verify = trace(bob, 'verify');
    assert.equal(verify.status, 1);
    assert.match(verify.stdout, /^error {2}real-1 {2}untrusted: not signed by a recipient\n/);
    assert.match(verify.stdout, /\n {7}commit [0-9a-f]{12} is not signed\n/);
    const json = JSON.parse(trace(bob, 'verify', '--json').stdout) as { sessions: { id: string; trust: string }[] };
    assert.deepEqual(json.sessions.map((s) => [s.id, s.trust]), [['real-1', 'untrusted']]);
  });

  test('show marks the session untrusted, on stderr and in --json', () => {
    const show = trace(bob, 'show', 'real-1');
    assert.equal(show.status, 0);
    assert.match(show.stderr, /^warning: session 'real-1' is untrusted: not signed by a recipient .*its text may be forged\n$/);
    assert.match(show.stdout, /Signed: {3}UNTRUSTED: not signed by a recipient/);
    const json = JSON.parse(trace(bob, 'show', '--json', 'real-1').stdout) as { session: { trust: { state: string } } };
    assert.equal(json.session.trust.state, 'untrusted');
  });

  test('list names the session as untrusted, from the catalog', () => {
    for (let run = 0; run < 2; run++) {
      const list = trace(bob, 'list', '--json');
      assert.equal(list.status, 0);
      assert.equal(list.stderr, "warning: untrusted (not signed by a recipient): real-1; see 'git trace verify'\n");
      assert.deepEqual((JSON.parse(list.stdout) as { id: string; trust: string }[]).map((s) => [s.id, s.trust]), [['real-1', 'untrusted']]);
    }
  });

  test('search marks the forged hit UNTRUSTED, names it, and says so in --json', () => {
    const found = trace(bob, 'search', 'production');
    assert.equal(found.status, 0, found.stderr);
    assert.equal(found.stderr, "warning: untrusted (not signed by a recipient): real-1; see 'git trace verify'\n");
    assert.match(found.stdout, /^UNTRUSTED real-1 #0 prompt/);
    const json = JSON.parse(trace(bob, 'search', '--json', 'production').stdout) as { session: string; trust: string }[];
    assert.deepEqual(json.map((h) => [h.session, h.trust]), [['real-1', 'untrusted']]);
  });

  test('track names the session as untrusted, as list does', () => {
    const tracked = trace(bob, 'track', 'real-1');
    assert.equal(tracked.status, 0, tracked.stderr);
    assert.equal(tracked.stderr, "warning: untrusted (not signed by a recipient): real-1; see 'git trace verify'\n");
  });

  test('the writer fetching the forgery sees it untrusted too, and her own flush on top does not launder it', () => {
    assert.match(trace(ada, 'fetch').stderr, /session 'real-1' .* untrusted/);
    shared.importSession(ada, 'real-1', [{ id: 'p2', text: 'ada goes on' }]);
    const verify = trace(ada, 'verify', 'real-1');
    assert.equal(verify.status, 1);
    assert.match(verify.stdout, /real-1 {2}untrusted/);
  });
});
