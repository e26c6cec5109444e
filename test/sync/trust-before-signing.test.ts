// Repositories from before signing: their sessions are reported as unsigned, and init binds a
// signing key that the other clones take on fetch (issue 13).
// (Split from trust.test.ts so the runner can run it beside the attacks.)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { ok, SharedRemote, trace } from '../helpers/clones.js';

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
