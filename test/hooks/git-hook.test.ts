// git's post-commit hook, in real repositories: created or shared with the user's script,
// found through core.hooksPath, fired by a real commit, removed byte for byte, and refused
// when a hook manager owns it.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../../lib/errors.js';
import { GIT_HOOK_BEGIN, GIT_HOOK_END, hookStatus, installHooks, uninstallHooks, type HookOptions } from '../../lib/hooks/index.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { sandbox, type Sandbox } from './sandbox.js';

const repos: TempRepo[] = [];
let box: Sandbox;
let bin: string;
const savedPath = process.env['PATH'];

before(() => {
  box = sandbox();
  // A stand-in git-trace on PATH: the hook's `git trace flush` leaves a note next to the commit.
  bin = join(box.home, 'bin');
  box.write(join(bin, 'git-trace'), '#!/bin/sh\necho "$*" > "$PWD/.git/flushed"\n');
  chmodSync(join(bin, 'git-trace'), 0o755);
  process.env['PATH'] = `${bin}:${savedPath ?? ''}`;
});
after(() => {
  process.env['PATH'] = savedPath;
  repos.forEach((r) => r.cleanup());
  box.cleanup();
});

function repo(): TempRepo {
  const r = tempRepo();
  repos.push(r);
  return r;
}

function options(r: TempRepo, extra: Partial<HookOptions> = {}): HookOptions {
  return { agents: [], scope: 'user', workTree: r.dir, env: box.env, stateDir: join(r.dir, '.git', 'opentraces'), gitHook: true, ...extra };
}

/** Wait for the background flush a commit started. */
async function flushed(r: TempRepo): Promise<string> {
  const note = join(r.dir, '.git', 'flushed');
  // The hook flushes in the background: on a busy machine that can take seconds to start, and
  // the stand-in creates its note before it writes the line (read it once the line is whole).
  const written = (): string => (existsSync(note) ? readFileSync(note, 'utf8') : '');
  for (let i = 0; i < 600 && !written().endsWith('\n'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return written();
}

describe('git post-commit hook', () => {
  test('a repository without one gets a new hook that flushes after each commit; uninstall deletes it', async () => {
    const r = repo();
    const path = join(realpathSync(r.dir), '.git', 'hooks', 'post-commit');
    const [created] = await installHooks(options(r));
    assert.deepEqual([created?.target, created?.scope, created?.action, realpathSync(created?.path ?? '')], ['git-post-commit', null, 'created', path]);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith(`#!/bin/sh\n${GIT_HOOK_BEGIN}\n`));
    assert.ok(text.endsWith(`${GIT_HOOK_END}\n`));
    assert.equal(statSync(path).mode & 0o777, 0o755);
    assert.equal((await hookStatus({ agents: [], workTree: r.dir, env: box.env })).find((s) => s.target === 'git-post-commit')?.state, 'installed');

    r.commit('work', { 'a.txt': 'a\n' });
    assert.equal(await flushed(r), 'flush --quiet\n');

    assert.equal((await installHooks(options(r)))[0]?.action, 'unchanged');
    assert.equal((await uninstallHooks(options(r)))[0]?.action, 'deleted');
    assert.equal(existsSync(path), false);
    assert.equal((await hookStatus({ agents: [], workTree: r.dir, env: box.env }))[0]?.state, 'not-installed');
  });

  test('core.hooksPath is honoured; a hooks folder install created goes again', async () => {
    const r = repo();
    r.git('config', 'core.hooksPath', 'custom-hooks');
    const [created] = await installHooks(options(r));
    const path = join(realpathSync(r.dir), 'custom-hooks', 'post-commit');
    assert.equal(realpathSync(created?.path ?? ''), path);
    assert.equal(existsSync(join(r.dir, '.git', 'hooks', 'post-commit')), false);
    r.commit('work', { 'a.txt': 'a\n' });
    assert.equal(await flushed(r), 'flush --quiet\n');
    await uninstallHooks(options(r));
    assert.equal(existsSync(join(r.dir, 'custom-hooks')), false);
  });

  test("the user's own post-commit script keeps working, gets our block after its #! line, and comes back byte for byte", async () => {
    const r = repo();
    const path = join(r.dir, '.git', 'hooks', 'post-commit');
    const theirs = '#!/usr/bin/env bash\nset -e\necho "committed" > "$PWD/.git/theirs"\nexit 0\n';
    writeFileSync(path, theirs);
    chmodSync(path, 0o750);
    const [updated] = await installHooks(options(r));
    assert.equal(updated?.action, 'updated');
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith(`#!/usr/bin/env bash\n${GIT_HOOK_BEGIN}\n`), 'before a final exit could skip it');
    assert.ok(text.endsWith('set -e\necho "committed" > "$PWD/.git/theirs"\nexit 0\n'));
    assert.equal(statSync(path).mode & 0o777, 0o750);
    const installed = readFileSync(path);
    assert.equal((await installHooks(options(r)))[0]?.action, 'unchanged');
    assert.ok(readFileSync(path).equals(installed));

    r.commit('work', { 'a.txt': 'a\n' });
    assert.equal(await flushed(r), 'flush --quiet\n');
    assert.equal(readFileSync(join(r.dir, '.git', 'theirs'), 'utf8'), 'committed\n');

    assert.equal((await uninstallHooks(options(r)))[0]?.action, 'restored');
    assert.equal(readFileSync(path, 'utf8'), theirs);
    assert.equal(statSync(path).mode & 0o777, 0o750);
  });

  test('after the user edited the script, uninstall takes out exactly our block', async () => {
    const r = repo();
    const path = join(r.dir, '.git', 'hooks', 'post-commit');
    writeFileSync(path, '#!/bin/sh\necho one\n', { mode: 0o755 });
    await installHooks(options(r));
    writeFileSync(path, `${readFileSync(path, 'utf8')}echo two\n`);
    assert.equal((await uninstallHooks(options(r)))[0]?.action, 'removed');
    assert.equal(readFileSync(path, 'utf8'), '#!/bin/sh\necho one\necho two\n');
  });

  const managed: readonly { name: string; hooksPath?: string; text: string; manager: RegExp; hint: RegExp }[] = [
    { name: 'husky (core.hooksPath .husky/_)', hooksPath: '.husky/_', text: '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n', manager: /managed by husky/, hint: /\.husky\/post-commit/ },
    { name: 'husky 4', text: '#!/bin/sh\n# husky\n\n# Created by Husky v4.3.8\n. "$(dirname "$0")/husky.sh"\n', manager: /managed by husky/, hint: /\.husky\/post-commit/ },
    { name: 'lefthook', text: '#!/bin/sh\n\nif [ "$LEFTHOOK" = "0" ]; then\n  exit 0\nfi\n\ncall_lefthook()\n{\n  lefthook "$@"\n}\ncall_lefthook run "post-commit" "$@"\n', manager: /managed by lefthook/, hint: /lefthook\.yml/ },
    { name: 'pre-commit', text: '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n# ID: 138fd403232d2ddd5efb44317e38bf03\nexec python -mpre_commit hook-impl --hook-type=post-commit "$@"\n', manager: /managed by pre-commit/, hint: /\.pre-commit-config\.yaml.*\n.*stages: \[post-commit\]/ },
    { name: 'a Python script', text: '#!/usr/bin/env python3\nprint("hi")\n', manager: /is not a shell script/, hint: /git trace flush --quiet/ },
  ];
  for (const row of managed) {
    test(`a post-commit hook owned by ${row.name} is refused with what to add, and nothing is written`, async () => {
      const r = repo();
      const dir = join(r.dir, row.hooksPath ?? join('.git', 'hooks'));
      if (row.hooksPath !== undefined) r.git('config', 'core.hooksPath', row.hooksPath);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'post-commit');
      writeFileSync(path, row.text, { mode: 0o755 });
      const codex = join(box.home, '.codex', 'hooks.json');
      await assert.rejects(installHooks(options(r, { agents: ['codex'] })), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, row.manager);
        assert.match(error.message, /post-commit'/);
        assert.match(error.hint ?? '', row.hint);
        return true;
      });
      assert.equal(readFileSync(path, 'utf8'), row.text);
      assert.equal(existsSync(codex), false, 'the agent config of the same command is not written either');
      assert.equal(existsSync(join(r.dir, '.git', 'opentraces')), false, 'no backup either');
      const status = (await hookStatus({ agents: [], workTree: r.dir, env: box.env }))[0];
      assert.equal(status?.state, 'not-installed');
    });
  }

  test('status names the manager of a managed hook', async () => {
    const r = repo();
    r.git('config', 'core.hooksPath', '.husky/_');
    const [status] = await hookStatus({ agents: [], workTree: r.dir, env: box.env });
    assert.equal(status?.manager, 'husky');
  });
});
