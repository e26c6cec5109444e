// Two people sharing sessions through one bare remote: push and fetch in both orders and at the
// same time, a session grown on both sides, a non-recipient, a wide `fetch --prune`.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adaAndBob, git, ok, SharedRemote, stepIds, trace, type User } from '../helpers/clones.js';
import { CLI } from '../helpers/paths.js';

const shared = new SharedRemote('git-trace-sync-');
const { root, bare } = shared;
const user = (name: string): User => shared.user(name);
const importSession = (u: User, id: string, steps: { id: string; text: string }[]): void => shared.importSession(u, id, steps);

function runAsync(u: User, ...args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: u.dir, env: { ...process.env, ...u.env }, stdio: 'ignore' });
    child.on('close', resolve);
  });
}

describe('two clones of one bare remote', () => {
  let ada: User;
  let bob: User;
  before(() => {
    ({ ada, bob } = adaAndBob(shared));
    assert.equal((JSON.parse(ok(ada, 'recipients', '--json')) as unknown[]).length, 2);
    assert.equal((JSON.parse(ok(bob, 'recipients', '--json')) as unknown[]).length, 2);
  });
  after(() => shared.cleanup());

  test('push and fetch in both orders, and at the same time, leave both with every session', async () => {
    importSession(ada, 'ada-1', [{ id: 'p1', text: 'ada first session PLAINTEXT-ADA-0001' }]);
    importSession(bob, 'bob-1', [{ id: 'p1', text: 'bob first session PLAINTEXT-BOB-0001' }]);
    ok(ada, 'push');
    ok(bob, 'push'); // the remote moved (ada's meta and session): bob fetches, merges, pushes
    ok(ada, 'fetch');
    importSession(ada, 'ada-2', [{ id: 'p1', text: 'ada second' }]);
    importSession(bob, 'bob-2', [{ id: 'p1', text: 'bob second' }]);
    const codes = await Promise.all([runAsync(ada, 'sync'), runAsync(bob, 'sync')]);
    assert.deepEqual(codes, [0, 0]);
    ok(ada, 'sync');
    ok(bob, 'sync');
    for (const u of [ada, bob]) {
      const ids = (JSON.parse(ok(u, 'list', '--json')) as { id: string }[]).map((s) => s.id).sort();
      assert.deepEqual(ids, ['ada-1', 'ada-2', 'bob-1', 'bob-2'], u.name);
      for (const id of ids) assert.deepEqual(stepIds(u, id), ['p1'], `${u.name} reads ${id}`);
      const verify = trace(u, 'verify');
      assert.equal(verify.status, 0, `${u.name}: ${verify.stdout}`);
    }
  });

  test('a session appended on both machines merges to the union of its steps', () => {
    importSession(ada, 'shared-1', [{ id: 's1', text: 'started by ada' }]);
    ok(ada, 'push');
    ok(bob, 'fetch');
    importSession(ada, 'shared-1', [{ id: 's2', text: 'ada goes on' }]);
    importSession(bob, 'shared-1', [{ id: 's3', text: 'bob goes on' }]);
    ok(bob, 'push');
    const pushed = JSON.parse(ok(ada, 'push', '--json')) as { retries: number };
    assert.equal(pushed.retries, 1, 'ada was rejected once, merged, and pushed');
    ok(bob, 'fetch');
    assert.deepEqual(stepIds(ada, 'shared-1'), ['s1', 's2', 's3']);
    assert.deepEqual(stepIds(bob, 'shared-1'), ['s1', 's2', 's3']);
    assert.equal(git(bare, 'rev-parse', 'refs/opentraces/sessions/shared-1'), git(ada.dir, 'rev-parse', 'refs/opentraces/sessions/shared-1'));
    assert.equal(trace(ada, 'verify', 'shared-1').status, 0);
  });

  test('the bare remote holds no readable step text', () => {
    const oids = git(bare, 'rev-list', '--objects', '--glob=refs/opentraces/*').split('\n').map((l) => l.split(' ')[0]).filter((o) => o);
    assert.ok(oids.length > 10);
    const raw = execFileSync('git', ['cat-file', '--batch'], { cwd: bare, input: `${oids.join('\n')}\n`, maxBuffer: 64 << 20 });
    for (const probe of ['PLAINTEXT-ADA-0001', 'PLAINTEXT-BOB-0001', 'ada goes on', 'bob goes on']) assert.equal(raw.includes(Buffer.from(probe)), false, probe);
  });

  test("plain git fetch and push are unchanged: no refspec was added", () => {
    assert.equal(git(ada.dir, 'config', '--get-all', 'remote.origin.fetch').trim(), '+refs/heads/*:refs/remotes/origin/*');
    assert.equal(spawnSync('git', ['config', '--get-all', 'remote.origin.push'], { cwd: ada.dir }).status, 1, 'no push refspec');
  });

  test('a user who is not a recipient can fetch, gets a clear error on reading, and loses nothing', () => {
    const eve = user('eve');
    ok(eve, 'fetch');
    ok(eve, 'init'); // eve is a recipient of her own clone only: nobody added her key
    importSession(eve, 'eve-own', [{ id: 'e1', text: 'eve cannot read the others' }]);
    const list = trace(eve, 'list', '--json');
    assert.equal(list.status, 0);
    assert.match(list.stderr, /cannot read 5 sessions \('ada-1', 'ada-2', 'bob-1', …\): not encrypted to your key/);
    const show = trace(eve, 'show', 'ada-1');
    assert.equal(show.status, 1);
    assert.match(show.stderr, /^error: 'ada-1\/meta\.age' is not encrypted to your key\nhint: /);
    assert.deepEqual(stepIds(eve, 'eve-own'), ['e1']);
    ok(eve, 'fetch');
    assert.deepEqual(stepIds(eve, 'eve-own'), ['e1']);
  });

  test("a wide 'git fetch --prune' deletes sessions; git-trace restores them and doctor warns", () => {
    importSession(ada, 'local-only', [{ id: 'l1', text: 'not pushed yet' }]);
    ok(ada, 'index');
    git(ada.dir, 'config', '--add', 'remote.origin.fetch', '+refs/*:refs/*');
    git(ada.dir, 'fetch', '-q', '--prune', '--update-head-ok', 'origin');
    assert.equal(git(ada.dir, 'for-each-ref', 'refs/opentraces/sessions/local-only'), '');
    const doctor = trace(ada, 'doctor');
    assert.match(doctor.stdout, /refspec.*\+refs\/\*:refs\/\*/);
    const search = trace(ada, 'search', 'pushed');
    assert.equal(search.status, 0);
    assert.match(search.stderr, /session 'local-only' had been deleted .*restored it/);
    assert.deepEqual(stepIds(ada, 'local-only'), ['l1']);
    git(ada.dir, 'config', '--unset', 'remote.origin.fetch', '\\+refs/\\*:refs/\\*');
  });

  test('a missing remote is a one-line error', () => {
    const result = trace(ada, 'push', 'nowhere');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: cannot reach remote 'nowhere': .*\nhint: /);
  });

  test('recipients add, remove and rekey', () => {
    const carol = join(root, 'carol.key');
    execFileSync(process.execPath, [CLI, 'init'], { cwd: join(root, 'seed'), env: { ...process.env, GIT_TRACE_IDENTITY: carol } });
    const key = /public key: (age1\w+)/.exec(execFileSync(process.execPath, [CLI, 'init'], { cwd: join(root, 'seed'), env: { ...process.env, GIT_TRACE_IDENTITY: carol }, encoding: 'utf8' }))?.[1] ?? '';
    ok(ada, 'recipients', 'add', '--name', 'carol', key);
    ok(ada, 'rekey');
    assert.equal(trace(ada, 'verify').status, 0);
    const carolUser: User = { name: 'carol', dir: ada.dir, env: { GIT_TRACE_IDENTITY: carol } };
    assert.deepEqual(stepIds(carolUser, 'ada-1'), ['p1'], 'carol reads old sessions after the rekey');
    ok(ada, 'recipients', 'remove', 'carol');
    ok(ada, 'rekey');
    assert.equal(trace(carolUser, 'show', 'ada-1').status, 1, 'after removal and rekey, carol reads nothing new');
    assert.equal(trace(ada, 'recipients', 'remove', 'nobody').status, 1);
  });
});
