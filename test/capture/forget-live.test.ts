// Forgetting a session whose agent is still running: its spool goes with it, and what the hooks
// spool after the forget is dropped at the next flush, never stored.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const SESSION = 'live-forget-1';
let r: TempRepo;
let live: LiveSession;
let spool: string;

before(() => {
  testIdentityFile();
  r = tempRepo({ 'a.txt': 'one\n' });
  assert.equal(r.trace(['init']).status, 0);
  live = new LiveSession(r, 'claude-code', SESSION, null);
  spool = join(r.dir, '.git', 'opentraces', 'capture', SESSION);
});
after(() => r.cleanup());

function listed(): string[] {
  const result = r.trace(['list', '--json']);
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { id: string }[]).map((s) => s.id);
}

test('forget removes the spool of a live session, and a later flush stores nothing of it', () => {
  live.hook('SessionStart', { source: 'startup' });
  live.hook('UserPromptSubmit', { prompt: 'first prompt LIVEWORD' });
  assert.equal(r.trace(['flush']).status, 0);
  assert.deepEqual(listed(), [SESSION]);
  assert.ok(existsSync(spool));

  const dry = JSON.parse(r.trace(['forget', '--dry-run', '--json', SESSION]).stdout) as { sessions: { paths: string[] }[] };
  assert.deepEqual(dry.sessions[0]?.paths, [spool]);
  assert.ok(existsSync(spool), '--dry-run leaves the spool');

  const forgot = r.trace(['forget', SESSION]);
  assert.equal(forgot.status, 0, forgot.stderr);
  assert.ok(!existsSync(spool), 'the spool went with the session');

  // The agent goes on: its hooks spool again, and flush (on demand or at stop) drops it.
  live.hook('UserPromptSubmit', { prompt: 'second prompt' });
  assert.ok(existsSync(spool));
  const flushed = r.trace(['flush', '--json']);
  assert.equal(flushed.status, 0, flushed.stderr);
  assert.ok(!existsSync(spool), 'the new spool was dropped');
  assert.deepEqual(listed(), []);
  assert.equal(r.git('for-each-ref', 'refs/opentraces/sessions/'), '');
});
