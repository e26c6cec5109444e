// One bad session never stops the others: a hook payload whose session id cannot be a ref name
// is refused at the hook (logged, exit 0), a spool of such an id left by an older git-trace is
// set aside at flush with a warning naming it, and a session that fails to store is named in the
// error while every other session is stored.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sessionDirName } from '../../lib/capture/paths.js';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const captureDir = (r: TempRepo): string => join(r.dir, '.git', 'opentraces', 'capture');
const hookLog = (r: TempRepo): string => {
  const path = join(r.dir, '.git', 'opentraces', 'logs', 'hook.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
};

function sessionIds(r: TempRepo): string[] {
  return r.git('for-each-ref', '--format=%(refname)', 'refs/opentraces/sessions/').split('\n').filter((l) => l !== '').map((l) => l.slice('refs/opentraces/sessions/'.length));
}

/** A session through its hooks: a prompt, then Stop. */
function promptAndStop(r: TempRepo, id: string, prompt: string, transcript: string | null = null): void {
  const live = new LiveSession(r, 'claude-code', id, transcript);
  live.hook('UserPromptSubmit', { prompt });
  live.hook('Stop', {});
}

describe('a hook payload whose session id cannot be a ref name', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => r.cleanup());

  for (const bad of ['../x', 'a/b', '.hidden', 'x.lock', 'two..dots', 'sp ace']) {
    test(`'${bad}': the hook exits 0, prints nothing, logs it and spools nothing`, () => {
      promptAndStop(r, bad, 'never stored');
      assert.ok(hookLog(r).includes(`session_id '${bad}', which cannot be a ref name: event ignored`), hookLog(r));
      assert.equal(existsSync(join(captureDir(r), sessionDirName(bad))), false);
    });
  }

  test('beside it, a good session flushes: exit 0, nothing on stderr, nothing lost', () => {
    promptAndStop(r, 'good-1', 'keep this prompt');
    const flush = r.trace(['flush']);
    assert.equal(flush.status, 0, flush.stderr);
    assert.equal(flush.stderr, '');
    assert.deepEqual(sessionIds(r), ['good-1']);
    const shown = r.trace(['show', '--json', 'good-1']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /keep this prompt/);
  });
});

describe('a spool whose session id cannot be a ref name, left by an older git-trace', () => {
  let r: TempRepo;
  let flush: ReturnType<TempRepo['trace']>;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    // What an older git-trace left for the payload {"session_id": "../x"}: a folder under the
    // hashed name, its info naming the raw id.
    promptAndStop(r, 'old-x', 'the prompt of ../x');
    const info = join(captureDir(r), 'old-x', 'info.json');
    writeFileSync(info, readFileSync(info, 'utf8').replace('"old-x"', '"../x"'));
    renameSync(join(captureDir(r), 'old-x'), join(captureDir(r), sessionDirName('../x')));
    promptAndStop(r, 'good-2', 'keep this one too');
    flush = r.trace(['flush']);
  });
  after(() => r.cleanup());

  test('flush stores the good session and exits 0', () => {
    assert.equal(flush.status, 0, flush.stderr);
    assert.deepEqual(sessionIds(r), ['good-2']);
    assert.match(r.trace(['show', '--json', 'good-2']).stdout, /keep this one too/);
  });

  test('one warning line names the session and where its spool went', () => {
    const lines = flush.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, flush.stderr);
    assert.match(lines[0] ?? '', /^warning: set aside the spool of session '\.\.\/x': its id cannot be a ref name \(kept in '.*capture-set-aside\/.*'\)$/);
  });

  test('the spool is kept, out of the way: later commands neither retry nor warn', () => {
    const aside = join(r.dir, '.git', 'opentraces', 'capture-set-aside');
    const [kept] = readdirSync(aside);
    assert.ok(kept !== undefined);
    assert.match(readFileSync(join(aside, kept, 'spool.jsonl'), 'utf8'), /the prompt of \.\.\/x/);
    assert.equal(existsSync(join(captureDir(r), sessionDirName('../x'))), false);
    for (const args of [['flush'], ['list']]) {
      const again = r.trace(args);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stderr, '', args.join(' '));
    }
  });
});

describe('a session that fails to store', () => {
  test('is named in the error and kept for the next flush; the others are stored; exit 1', () => {
    testIdentityFile();
    const r = tempRepo();
    try {
      assert.equal(r.trace(['init']).status, 0);
      // A transcript path that is a folder: the flush of that session cannot read it.
      const folder = join(r.dir, '..', `not-a-transcript-${process.pid}`);
      mkdirSync(folder, { recursive: true });
      promptAndStop(r, 'broken', 'lost?', folder);
      promptAndStop(r, 'good-3', 'stored anyway');
      const flush = r.trace(['flush', '--json']);
      assert.equal(flush.status, 1);
      assert.match(flush.stderr, /^error: cannot store session 'broken': .*EISDIR.*\nhint: the spool is kept: run 'git trace flush' again\n$/);
      assert.doesNotMatch(flush.stderr, /unexpected|this is a bug/);
      const result = JSON.parse(flush.stdout) as { sessions: { sessionId: string }[]; failed: { sessionId: string }[] };
      assert.deepEqual(result.sessions.map((s) => s.sessionId), ['good-3']);
      assert.deepEqual(result.failed.map((s) => s.sessionId), ['broken']);
      assert.deepEqual(sessionIds(r), ['good-3']);
      assert.match(readFileSync(join(captureDir(r), 'broken', 'spool.jsonl'), 'utf8'), /lost\?/);
      // Once the folder is gone, the next flush stores what the hooks saw.
      rmSync(folder, { recursive: true });
      const again = r.trace(['flush']);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stderr, /^warning: transcript '.*' of session 'broken' is missing; storing what the hooks saw\n$/);
      assert.deepEqual(sessionIds(r), ['broken', 'good-3']);
      assert.match(r.trace(['show', '--json', 'broken']).stdout, /lost\?/);
    } finally {
      r.cleanup();
    }
  });
});
