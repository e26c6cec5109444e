// git trace forget (issue 13): a session taken back stays gone here, through the commands that
// heal the store (the catalog's repair of deleted refs, import, flush), on the remote after a push,
// and in another clone after a fetch; a tombstone not signed by a current recipient deletes nothing.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { adaAndBob, git, ok, SharedRemote, trace, type User } from '../helpers/clones.js';

const SESSIONS = 'refs/opentraces/sessions/';
const FORGOTTEN = 'refs/opentraces/forgotten/';

function refs(u: User): string[] {
  return git(u.dir, 'for-each-ref', '--format=%(refname)', 'refs/opentraces/').split('\n').filter((l) => l !== '');
}

function remoteRefs(bare: string): string[] {
  return git(bare, 'for-each-ref', '--format=%(refname)', 'refs/opentraces/').split('\n').filter((l) => l !== '');
}

function listed(u: User): string[] {
  return (JSON.parse(ok(u, 'list', '--json')) as { id: string }[]).map((s) => s.id).sort();
}

function stateDir(u: User): string {
  return join(u.dir, '.git', 'opentraces');
}

/** Rows the catalog holds of session `id`, by table, and search hits for `word`. */
function catalogRows(u: User, id: string, word: string): Record<string, number> {
  const db = new Database(join(stateDir(u), 'catalog.sqlite'), { readonly: true });
  try {
    const count = (sql: string, arg: string): number => (db.prepare(sql).get(arg) as { n: number }).n;
    const rows: Record<string, number> = {};
    for (const table of ['sessions', 'unreadable', 'session_trust']) rows[table] = count(`SELECT count(*) AS n FROM ${table} WHERE id = ?`, id);
    for (const table of ['steps', 'step_paths', 'usage', 'patches']) rows[table] = count(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`, id);
    rows['search'] = count('SELECT count(*) AS n FROM step_text WHERE step_text MATCH ?', word);
    return rows;
  } finally {
    db.close();
  }
}

const NO_ROWS = { sessions: 0, unreadable: 0, session_trust: 0, steps: 0, step_paths: 0, usage: 0, patches: 0, search: 0 };

describe('forget', () => {
  const shared = new SharedRemote('git-trace-forget-');
  let ada: User;
  let bob: User;
  const transcript = join(shared.root, 'gone-transcript.jsonl');
  before(() => {
    ({ ada, bob } = adaAndBob(shared));
    shared.importSession(ada, 'keep-1', [{ id: 'p1', text: 'keep this KEEPWORD' }]);
    // A Claude Code transcript, so that the import checkpoint is part of what goes.
    const record = (type: string, uuid: string, message: unknown, ts: string): string => JSON.stringify({ type, sessionId: 'gone-1', uuid, cwd: ada.dir, timestamp: ts, message });
    writeFileSync(
      transcript,
      [
        record('user', 'u1', { role: 'user', content: 'take this back GONEWORD' }, '2026-11-01T10:00:00Z'),
        record('assistant', 'a1', { role: 'assistant', model: 'claude-x', id: 'm1', content: [{ type: 'text', text: 'done' }] }, '2026-11-01T10:00:05Z'),
      ].join('\n') + '\n',
    );
    ok(ada, 'import', '--agent', 'claude-code', transcript);
    ok(ada, 'list'); // the catalog now holds the trust rows too
    ok(ada, 'push');
    ok(bob, 'fetch');
    assert.deepEqual(listed(bob), ['gone-1', 'keep-1']);
  });
  after(() => shared.cleanup());

  test('--dry-run lists what would go and changes nothing', () => {
    const before = refs(ada);
    const result = JSON.parse(ok(ada, 'forget', '--dry-run', '--json', 'gone')) as {
      dryRun: boolean;
      sessions: { id: string; refs: { ref: string }[]; catalog: { sessions: number; steps: number }; imports: string[]; remotes: string[]; tombstone: string | null }[];
    };
    assert.equal(result.dryRun, true);
    assert.deepEqual(
      result.sessions.map((s) => ({ id: s.id, refs: s.refs.map((r) => r.ref), catalog: s.catalog, imports: s.imports, remotes: s.remotes, tombstone: s.tombstone })),
      [
        {
          id: 'gone-1',
          refs: [`${SESSIONS}gone-1`, 'refs/opentraces/remotes/origin/sessions/gone-1'],
          catalog: { sessions: 1, steps: 2 },
          imports: [transcript],
          remotes: ['origin'],
          tombstone: null,
        },
      ],
    );
    const text = trace(ada, 'forget', '--dry-run', 'gone-1');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^would forget session 'gone-1'\n {2}ref {8}refs\/opentraces\/sessions\/gone-1\n/);
    assert.match(text.stdout, /\n {2}remote {5}origin: its copy is deleted on the next 'git trace push origin'\n/);
    assert.match(text.stdout, /\nnothing was changed \(--dry-run\)\n$/);
    assert.deepEqual(refs(ada), before);
    assert.deepEqual(listed(ada), ['gone-1', 'keep-1']);
  });

  test('forget without an ID is a usage error (exit 2, the synopsis)', () => {
    const result = trace(ada, 'forget');
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'error: forget needs at least one session ID\nhint: usage: git trace forget [--dry-run] [--json] ID...\n');
    assert.equal(trace(ada, 'forget', '--help').status, 0);
  });

  test('an unknown id is named, exits non-zero and removes nothing, whatever the other ids', () => {
    const before = refs(ada);
    const result = trace(ada, 'forget', 'gone-1', 'no-such-session');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: no session 'no-such-session'\n/);
    assert.equal(result.stdout, '');
    assert.deepEqual(refs(ada), before);
    assert.deepEqual(listed(ada), ['gone-1', 'keep-1']);
  });

  let staleCatalog = '';
  test('forget removes the session from the refs, list, show, search, the catalog and the import checkpoints', () => {
    assert.notDeepEqual(catalogRows(ada, 'gone-1', 'GONEWORD'), NO_ROWS);
    // Kept to play a catalog that still remembers the session (see the next test).
    staleCatalog = join(shared.root, 'stale-catalog.sqlite');
    copyFileSync(join(stateDir(ada), 'catalog.sqlite'), staleCatalog);
    const result = trace(ada, 'forget', 'gone');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^forgot session 'gone-1'\n/);
    assert.match(result.stdout, /git gc --prune=now/);
    const now = refs(ada);
    assert.ok(!now.some((r) => r.endsWith('/gone-1') && !r.startsWith(FORGOTTEN)), now.join('\n'));
    assert.ok(now.includes(`${FORGOTTEN}gone-1`));
    assert.deepEqual(listed(ada), ['keep-1']);
    assert.notEqual(trace(ada, 'show', 'gone-1').status, 0);
    assert.doesNotMatch(ok(ada, 'search', 'GONEWORD'), /gone-1/);
    assert.deepEqual(catalogRows(ada, 'gone-1', 'GONEWORD'), NO_ROWS);
    assert.match(ok(ada, 'search', 'KEEPWORD'), /keep-1/);
    assert.deepEqual(Object.keys((JSON.parse(readState(ada)) as { files: Record<string, unknown> }).files), []);
  });

  test('the tombstone is signed by the forgetter, names the session and carries nothing else', () => {
    const raw = git(ada.dir, 'cat-file', 'commit', `${FORGOTTEN}gone-1`);
    assert.match(raw, /^tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n/);
    assert.doesNotMatch(raw, /\nparent /);
    assert.match(raw, /\ngpgsig -----BEGIN SSH SIGNATURE-----\n/);
    assert.match(raw, /\n\nopentraces: forget\n\nOpentraces-Format: 1\nOpentraces-Forgotten: gone-1\n$/);
  });

  test("a catalog that still remembers the session does not restore its ref (the repair of deleted refs)", () => {
    copyFileSync(staleCatalog, join(stateDir(ada), 'catalog.sqlite'));
    const result = trace(ada, 'list', '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /restored/);
    assert.deepEqual((JSON.parse(result.stdout) as { id: string }[]).map((s) => s.id), ['keep-1']);
    assert.ok(!refs(ada).includes(`${SESSIONS}gone-1`));
    assert.deepEqual(catalogRows(ada, 'gone-1', 'GONEWORD'), NO_ROWS);
  });

  test('importing the same transcript again does not bring it back, and says why', () => {
    const result = trace(ada, 'import', '--json', '--agent', 'claude-code', transcript);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "warning: not importing session 'gone-1': it was forgotten here (git trace forget)\n");
    const json = JSON.parse(result.stdout) as { sessions: number; added: number; forgotten: string[] };
    assert.deepEqual([json.sessions, json.added, json.forgotten], [0, 0, ['gone-1']]);
    assert.ok(!refs(ada).includes(`${SESSIONS}gone-1`));
    assert.deepEqual(listed(ada), ['keep-1']);
    assert.deepEqual(Object.keys((JSON.parse(readState(ada)) as { files: Record<string, unknown> }).files), []);
  });

  test('forgetting again is a no-op that says so', () => {
    const result = trace(ada, 'forget', 'gone-1');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^session 'gone-1' was forgotten already\n/);
  });

  test('push deletes the session on the remote and sends the tombstone', () => {
    const result = JSON.parse(ok(ada, 'push', '--json')) as { deleted: string[] };
    assert.deepEqual(result.deleted, [`${SESSIONS}gone-1`]);
    const there = remoteRefs(shared.bare);
    assert.ok(!there.includes(`${SESSIONS}gone-1`), there.join('\n'));
    assert.ok(there.includes(`${FORGOTTEN}gone-1`));
    assert.ok(there.includes(`${SESSIONS}keep-1`));
    const ls = git(ada.dir, 'ls-remote', 'origin', 'refs/opentraces/*');
    assert.doesNotMatch(ls, /sessions\/gone-1/);
    assert.match(ok(ada, 'push'), /pushed 0 refs to 'origin'/);
  });

  test('fetch into a clone that had the session forgets it there, and its push does not bring it back', () => {
    const result = trace(bob, 'fetch');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^forgot session 'gone-1': tombstone signed by ada@example\.com\n/);
    assert.deepEqual(listed(bob), ['keep-1']);
    const now = refs(bob);
    assert.ok(!now.some((r) => r.endsWith('/gone-1') && !r.startsWith(FORGOTTEN) && !r.includes('/forgotten/')), now.join('\n'));
    assert.ok(now.includes(`${FORGOTTEN}gone-1`));
    assert.deepEqual(catalogRows(bob, 'gone-1', 'GONEWORD'), NO_ROWS);
    ok(bob, 'push');
    assert.ok(!remoteRefs(shared.bare).includes(`${SESSIONS}gone-1`));
    assert.equal(trace(bob, 'verify').status, 0);
  });

  test('a clone that forgot a session does not take it back from a remote that still has it', () => {
    shared.importSession(ada, 'late-1', [{ id: 'p1', text: 'late' }]);
    ok(ada, 'push');
    ok(bob, 'fetch');
    ok(ada, 'forget', 'late-1');
    const fetched = JSON.parse(ok(ada, 'fetch', '--json')) as { sessions: { id: string }[] };
    assert.ok(!fetched.sessions.some((s) => s.id === 'late-1'));
    assert.ok(!refs(ada).some((r) => r.endsWith('sessions/late-1')), refs(ada).join('\n'));
    assert.deepEqual(listed(ada), ['keep-1']);
    // Bob pushes first, the remote still has it: ada's push removes it, bob's fetch then forgets it.
    ok(bob, 'push');
    ok(ada, 'push');
    assert.ok(!remoteRefs(shared.bare).includes(`${SESSIONS}late-1`));
    ok(bob, 'fetch');
    assert.deepEqual(listed(bob), ['keep-1']);
  });

  test('a tombstone forged by an outsider with push access is refused at fetch and the session stays', () => {
    const mallory = shared.user('mallory');
    git(mallory.dir, 'fetch', '-q', 'origin', '+refs/opentraces/*:refs/opentraces/*');
    ok(mallory, 'init');
    // Her init made her a recipient of her own copy of the meta ref: her forget signs happily.
    ok(mallory, 'forget', 'keep-1');
    git(mallory.dir, 'push', '-q', 'origin', `${FORGOTTEN}keep-1:${FORGOTTEN}keep-1`, `:${SESSIONS}keep-1`);
    const result = trace(bob, 'fetch');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /warning: refused the tombstone of session 'keep-1' from 'origin': it is signed by a key that is not a current recipient's \(ssh-ed25519 .*\); the session is kept; to forget it yourself: git trace forget keep-1\n/);
    assert.deepEqual(listed(bob), ['keep-1']);
    assert.ok(refs(bob).includes(`${SESSIONS}keep-1`));
    assert.ok(!refs(bob).includes(`${FORGOTTEN}keep-1`));
    assert.ok(refs(bob).includes(`refs/opentraces/remotes/origin/forgotten/keep-1`));
    // Bob's push puts back what the outsider deleted.
    ok(bob, 'push');
    assert.ok(remoteRefs(shared.bare).includes(`${SESSIONS}keep-1`));
  });

  test("a recipient's tombstone moved to another session's ref is refused", () => {
    shared.importSession(ada, 'other-1', [{ id: 'p1', text: 'other' }]);
    ok(ada, 'push');
    ok(bob, 'fetch');
    const tombstone = git(ada.dir, 'rev-parse', `${FORGOTTEN}gone-1`).trim();
    git(ada.dir, 'push', '-q', 'origin', `${tombstone}:${FORGOTTEN}other-1`);
    const result = trace(bob, 'fetch');
    assert.match(result.stderr, /refused the tombstone of session 'other-1' from 'origin': it names another session \('gone-1'\)/);
    assert.deepEqual(listed(bob), ['keep-1', 'other-1']);
  });
});

/** The import checkpoints, as import-state.json holds them (none when the file is absent). */
function readState(u: User): string {
  const path = join(stateDir(u), 'import-state.json');
  return existsSync(path) ? readFileSync(path, 'utf8') : '{"files":{}}';
}
