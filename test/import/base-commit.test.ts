// Imported sessions get a base commit (issue 14): Claude Code records none, so the first import
// infers it from the session's first timestamp, by the HEAD reflog, else by commit dates; the
// session says how; `checkout` starts from it, and `--base REV` overrides it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

/** A two-prompt Claude Code transcript that starts at `start`. */
function transcript(dir: string, id: string, start: string): string {
  const at = (s: number): string => new Date(Date.parse(start) + s * 1000).toISOString();
  return [1, 2]
    .map((n) => JSON.stringify({ type: 'user', sessionId: id, uuid: `${id}-u${n}`, timestamp: at(n), cwd: dir, gitBranch: 'main', message: { role: 'user', content: `prompt ${n}` } }))
    .join('\n');
}

interface Shown {
  session: { baseCommit: string | null; baseInferred: string | null };
}

describe('the base commit of an imported session', () => {
  let r: TempRepo;
  let first: string;
  let second: string;
  const commitAt = (message: string, date: string): string => {
    writeFileSync(join(r.dir, 'file.txt'), `${message}\n`);
    const env = { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date };
    execFileSync('git', ['add', '-A'], { cwd: r.dir, env });
    execFileSync('git', ['commit', '-q', '-m', message], { cwd: r.dir, env });
    return r.git('rev-parse', 'HEAD').trim();
  };
  const importAt = (id: string, start: string): void => {
    const file = join(r.dir, '.git', `${id}.jsonl`);
    writeFileSync(file, transcript(r.dir, id, start));
    const result = r.trace(['import', file]);
    assert.equal(result.status, 0, result.stderr);
  };
  const shown = (id: string): Shown => JSON.parse(r.trace(['show', '--json', id]).stdout) as Shown;

  before(() => {
    testIdentityFile();
    r = tempRepo({});
    r.git('checkout', '-q', '-b', 'main');
    assert.equal(r.trace(['init']).status, 0);
    first = commitAt('first', '2026-11-01T09:00:00Z');
    second = commitAt('second', '2026-11-01T11:00:00Z');
  });
  after(() => r.cleanup());

  test('from the HEAD reflog: the commit HEAD was at when the session started', () => {
    importAt('between', '2026-11-01T10:00:00Z');
    const { baseCommit, baseInferred } = shown('between').session;
    assert.deepEqual([baseCommit, baseInferred], [first, 'reflog']);
    importAt('after', '2026-11-01T12:00:00Z');
    assert.equal(shown('after').session.baseCommit, second);
    assert.match(r.trace(['show', 'between']).stdout, new RegExp(`Base: +${first} \\(inferred from the HEAD reflog\\)`));
  });

  test('without a reflog reaching back: the last commit before the start, by commit date', () => {
    r.git('reflog', 'expire', '--expire=all', '--all');
    importAt('no-reflog', '2026-11-01T10:30:00Z');
    assert.equal(shown('no-reflog').session.baseCommit, first);
    assert.equal(shown('no-reflog').session.baseInferred, 'commit-date');
  });

  test('checkout starts from the inferred base, or from --base REV', () => {
    const inferred = r.trace(['checkout', '--json', 'between@0']);
    assert.equal(inferred.status, 0, inferred.stderr);
    assert.equal((JSON.parse(inferred.stdout) as { base: string }).base, first);
    const given = r.trace(['checkout', '--json', '--base', 'HEAD', 'between@0']);
    assert.equal(given.status, 0, given.stderr);
    assert.equal((JSON.parse(given.stdout) as { base: string }).base, second);
    for (const out of [inferred, given]) r.git('worktree', 'remove', '--force', (JSON.parse(out.stdout) as { worktree: string }).worktree);
  });

  test('a session from before the first commit has none, and checkout says to name one', () => {
    importAt('too-early', '2026-10-01T08:00:00Z');
    assert.equal(shown('too-early').session.baseCommit, null);
    const result = r.trace(['checkout', 'too-early@0']);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /session 'too-early' has no base commit\n.*--base REV/);
  });
});
