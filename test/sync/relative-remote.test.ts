// Remotes as git takes them: a remote whose URL is a relative path (`../shared.git`), which plain
// `git push` resolves from the work tree, works for push, fetch and sync from the work tree's
// top and from a folder below it (it used to fail: git ran inside .git/, where the path
// pointed nowhere).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { pinEnvironment, runCli } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

pinEnvironment();
const root = mkdtempSync(join(tmpdir(), 'git-trace-relative-remote-'));
after(() => rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('push, fetch and sync through a remote whose URL is a relative path', () => {
  testIdentityFile();
  git(root, 'init', '-q', '--bare', 'shared.git');
  const work = join(root, 'work');
  git(root, 'init', '-q', 'work');
  writeFileSync(join(work, 'a.txt'), 'one\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'start');
  git(work, 'remote', 'add', 'origin', '../shared.git');
  assert.equal(runCli(['init'], { cwd: work }).status, 0);
  const imported = runCli(['import', '--format', 'steps', join(FIXTURES, 'steps', 'small-session.jsonl')], { cwd: work });
  assert.equal(imported.status, 0, imported.stderr);

  const pushed = runCli(['push', 'origin'], { cwd: work });
  assert.equal(pushed.status, 0, pushed.stderr);
  assert.match(git(join(root, 'shared.git'), 'for-each-ref', 'refs/opentraces/'), /refs\/opentraces\/sessions\/fixture-session-1/);

  // From a folder below the top, as a user often is.
  mkdirSync(join(work, 'src'));
  for (const command of ['fetch', 'sync']) {
    const result = runCli([command, 'origin'], { cwd: join(work, 'src') });
    assert.equal(result.status, 0, `${command}: ${result.stderr}`);
  }
});
