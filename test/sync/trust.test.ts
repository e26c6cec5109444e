// The attacks of issue 13 that signatures defeat, done as an attacker with push access would:
// a forged chunk force-pushed into a session, and an outsider enrolling themselves in the
// recipients; then the legitimate path (a recipient adds someone) still works and is printed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Sealer } from '../../lib/crypto/cipher.js';
import { encodeLines } from '../../lib/store/records.js';
import { adaAndBob, git, ok, SharedRemote, trace, type User } from '../helpers/clones.js';

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

function execGit(u: User, args: readonly string[], input?: Buffer, env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd: u.dir, input, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}

describe('a repository from before signing', () => {
  const shared = new SharedRemote('git-trace-legacy-');
  after(() => shared.cleanup());
  test('its sessions are reported as unsigned (written before signing) once init binds a signing key; a later unsigned flush is not', () => {
    const ada = shared.user('ada');
    // As an older git-trace left it: an identity without signing key, unsigned commits.
    execFileSync('age-keygen', ['-o', ada.env['GIT_TRACE_IDENTITY'] ?? ''], { stdio: 'ignore' });
    const key = execFileSync('age-keygen', ['-y', ada.env['GIT_TRACE_IDENTITY'] ?? ''], { encoding: 'utf8' }).trim();
    ok(ada, 'recipients', 'add', '--name', 'ada@example.com', key);
    shared.importSession(ada, 'old-1', [{ id: 'o1', text: 'from before signing' }]);
    const before = trace(ada, 'verify');
    assert.equal(before.status, 1, 'unsigned and unvouched');
    assert.match(before.stdout, /old-1 {2}untrusted/);
    const doctor = JSON.parse(trace(ada, 'doctor', '--json').stdout) as { checks: { name: string; status: string; hint?: string }[] };
    assert.deepEqual(doctor.checks.filter((c) => c.name === 'signing').map((c) => [c.status, c.hint]), [['warn', "run 'git trace init' to create one"]]);
    ok(ada, 'init');
    const after = trace(ada, 'verify');
    assert.equal(after.status, 0, after.stdout);
    assert.match(after.stdout, /^ok {5}old-1 {2}1 flush, 1 chunk, 1 step, unsigned \(written before signing\)$/m);
    shared.importSession(ada, 'old-1', [{ id: 'o2', text: 'signed from now on' }]);
    assert.match(ok(ada, 'verify'), /old-1 .* signed by ada@example.com; older flushes unsigned \(written before signing\)/);
    // A writer without a signing key (or an old git-trace) writes unsigned again: not vouched for.
    const other = { ...ada, env: { GIT_TRACE_IDENTITY: `${shared.root}/other.txt` } };
    execFileSync('cp', [ada.env['GIT_TRACE_IDENTITY'] ?? '', other.env.GIT_TRACE_IDENTITY]);
    shared.importSession(other, 'old-1', [{ id: 'o3', text: 'unsigned again' }]);
    const last = trace(ada, 'verify', 'old-1');
    assert.equal(last.status, 1);
    assert.match(last.stdout, /commit [0-9a-f]{12} is not signed/);
  });
});

describe('two recipients from before signing', () => {
  const shared = new SharedRemote('git-trace-upgrade-');
  after(() => shared.cleanup());
  test('each binds a signing key with init, and the other takes that binding on fetch', () => {
    const ada = shared.user('ada');
    const bob = shared.user('bob');
    const keys = [ada, bob].map((u) => {
      execFileSync('age-keygen', ['-o', u.env['GIT_TRACE_IDENTITY'] ?? ''], { stdio: 'ignore' });
      return execFileSync('age-keygen', ['-y', u.env['GIT_TRACE_IDENTITY'] ?? ''], { encoding: 'utf8' }).trim();
    });
    ok(ada, 'recipients', 'add', '--name', 'ada@example.com', keys[0] ?? '');
    ok(ada, 'recipients', 'add', '--name', 'bob@example.com', keys[1] ?? '');
    shared.importSession(ada, 'old-1', [{ id: 'o1', text: 'from before signing' }]);
    ok(ada, 'push');
    ok(bob, 'fetch');
    ok(ada, 'init');
    ok(ada, 'push');
    const first = trace(bob, 'fetch');
    assert.equal(first.stderr, '');
    assert.match(first.stdout, /^recipients: bound a signing key to ada@example.com, recorded the sessions from before signing; signed by the key it gives ada@example.com\n/);
    ok(bob, 'init');
    ok(bob, 'push');
    const second = trace(ada, 'fetch');
    assert.equal(second.stderr, '');
    assert.match(second.stdout, /^recipients: bound a signing key to bob@example.com; signed by the key it gives bob@example.com\n/);
    const verify = trace(bob, 'verify');
    assert.equal(verify.status, 0, verify.stdout);
    assert.match(verify.stdout, /old-1 .*unsigned \(written before signing\)/);
    // Once bound, a key is not rebound by someone else: mallory gives ada's entry her own key.
    const mallory = shared.user('mallory');
    ok(mallory, 'fetch');
    const own = JSON.parse(ok(mallory, 'init', '--json')) as { recipient: string; signingKey: string };
    ok(mallory, 'recipients', 'remove', own.recipient);
    ok(mallory, 'recipients', 'add', '--signing-key', own.signingKey, keys[0] ?? '');
    ok(mallory, 'push');
    const refused = trace(bob, 'fetch');
    assert.match(refused.stderr, /refused a change of recipients from 'origin' \(.*bound a signing key to ada@example.com.*; signed by the key it gives ada@example.com\): not signed by a current recipient/);
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
