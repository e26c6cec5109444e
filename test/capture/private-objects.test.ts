// Snapshots leave nothing in the user's object store (issue 12): the blobs and trees of a live
// session's snapshots go to the session's own object directory, so an untracked `.env` an
// agent writes is never a loose object of the repository, and the directory goes once the
// session is stored.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const ENV_FILE = 'DATABASE_URL=postgres://app:hunter2-but-longer@db.internal/app\n';

/** Every object id the repository's own store holds (loose and packed). */
function storeObjects(r: TempRepo): Set<string> {
  return new Set(r.git('cat-file', '--batch-all-objects', '--batch-check=%(objectname)').split('\n').filter((l) => l !== ''));
}

describe('snapshots of a live session', () => {
  let r: TempRepo;
  let live: LiveSession;
  let envBlob: string;
  let before_: Set<string>;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'README.md': 'hello\n', 'src/a.txt': 'a\n' });
    assert.equal(r.trace(['init']).status, 0);
    envBlob = execFileSync('git', ['hash-object', '--stdin'], { input: ENV_FILE, encoding: 'utf8' }).trim();
    before_ = storeObjects(r);
    live = new LiveSession(r, 'claude-code', 'private-objects', null);
    live.hook('SessionStart', { source: 'startup' });
    live.hook('UserPromptSubmit', { prompt: 'set up the database' });
    live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'echo ... > .env' }, tool_use_id: 'toolu_env' });
    writeFileSync(join(r.dir, '.env'), ENV_FILE);
    writeFileSync(join(r.dir, 'src', 'a.txt'), 'a, changed\n');
    live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'echo ... > .env' }, tool_use_id: 'toolu_env', tool_response: { stdout: '', stderr: '', interrupted: false } });
  });
  after(() => r.cleanup());

  test('while the session runs, no snapshot object is in the repository store', () => {
    const now = storeObjects(r);
    assert.deepEqual([...now].filter((o) => !before_.has(o)), []);
    assert.equal(now.has(envBlob), false);
    const captured = readdirSync(join(r.dir, '.git', 'opentraces', 'capture'));
    assert.equal(captured.length, 1);
    assert.ok(existsSync(join(r.dir, '.git', 'opentraces', 'capture', captured[0] ?? '', 'objects')));
  });

  test('the tool call\'s patch was still observed, from the private objects', () => {
    live.hook('Stop', {});
    live.hook('SessionEnd', { reason: 'exit' });
    const flushed = r.trace(['flush']);
    assert.equal(flushed.status, 0, flushed.stderr);
    const shown = JSON.parse(r.trace(['show', '--json', 'private-objects']).stdout) as { steps: { kind: string; patches?: { path: string; origin: string }[] }[] };
    const tool = shown.steps.find((s) => s.kind === 'tool');
    assert.deepEqual(tool?.patches?.map((p) => [p.path, p.origin]).sort(), [['.env', 'observed'], ['src/a.txt', 'observed']]);
  });

  test('once stored, the capture folder and its objects are gone; the store gained only the encrypted session', () => {
    assert.deepEqual(readdirSync(join(r.dir, '.git', 'opentraces', 'capture')), []);
    const now = storeObjects(r);
    assert.equal(now.has(envBlob), false);
    const ours = new Set(r.git('rev-list', '--objects', '--glob=refs/opentraces/*').split('\n').map((l) => l.split(' ')[0] ?? '').filter((o) => o !== ''));
    assert.deepEqual([...now].filter((o) => !before_.has(o) && !ours.has(o)), []);
  });
});
