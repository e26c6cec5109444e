// A session imported from its transcript (no hooks, so no base commit recorded) seals into a
// capsule that reproduces its failing test in another clone: the base is inferred at import.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/repo.js';
import { cloneOf, makeLibrary, type Library } from './library.js';

const SESSION = '5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('a capsule of an imported session', () => {
  let lib: Library;
  let scratch: string;
  let clone: ReturnType<typeof cloneOf>;
  before(async () => {
    lib = await makeLibrary(SESSION, 'import');
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-capsule-'));
    clone = cloneOf(lib.upstream);
  });
  after(() => {
    clone.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    lib.cleanup();
  });

  test('the import inferred the base: the commit HEAD was at when the session started', () => {
    const shown = JSON.parse(lib.dev.trace(['show', '--json', SESSION]).stdout) as { session: { baseCommit: string; baseInferred: string } };
    assert.equal(shown.session.baseCommit, lib.dev.git('rev-parse', 'HEAD').trim());
    assert.equal(shown.session.baseInferred, 'reflog');
  });

  test('sealed, then replayed in another clone, it reproduces the failure', () => {
    const file = join(scratch, 'imported.capsule');
    const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--to', lib.maintainer.recipient, '--yes', '--json']);
    assert.equal(sealed.status, 0, sealed.stderr);
    assert.equal((JSON.parse(sealed.stdout) as { verdict: { command: string } }).verdict.command, 'node test.js');
    const replayed = runCli(['capsule', 'replay', '--yes', '--trust-signer', lib.sender.fingerprint, '--json', file], { cwd: clone.dir, env: { GIT_TRACE_IDENTITY: lib.maintainer.file } });
    assert.equal(replayed.status, 0, replayed.stderr);
    const result = JSON.parse(replayed.stdout) as { verdict: string; reason: string; evidence: { matchedError: boolean | null } };
    assert.equal(result.verdict, 'reproduces', result.reason);
    assert.equal(result.evidence.matchedError, true);
  });

  test('--base REV seals from the commit named instead', () => {
    const file = join(scratch, 'based.capsule');
    const first = lib.dev.git('rev-list', '--max-parents=0', 'HEAD').trim();
    const sealed = lib.dev.trace(['capsule', 'seal', SESSION, '-o', file, '--to', lib.maintainer.recipient, '--yes', '--base', first, '--json']);
    assert.equal(sealed.status, 0, sealed.stderr);
    const opened = runCli(['capsule', 'open', '--json', file], { cwd: clone.dir, env: { GIT_TRACE_IDENTITY: lib.maintainer.file } });
    assert.equal(opened.status, 0, opened.stderr);
    assert.match(opened.stdout, new RegExp(first));
  });
});
