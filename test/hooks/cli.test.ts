// `git trace hooks` end to end: the compiled CLI in a real repository, with HOME in a sandbox.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, tempRepo, type TempRepo } from '../helpers/repo.js';
import { sandbox, type Sandbox } from './sandbox.js';

describe('git trace hooks', () => {
  let r: TempRepo;
  let box: Sandbox;
  let env: Record<string, string | undefined>;
  let settings: string;
  const original = '{\n\t"model": "opus",\n\t"hooks": {\n\t\t"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]\n\t}\n}';

  before(() => {
    r = tempRepo();
    box = sandbox();
    env = { ...box.env };
    settings = join(box.home, '.claude', 'settings.json');
    box.write(settings, original);
  });
  after(() => {
    r.cleanup();
    box.cleanup();
  });

  test('install, status and uninstall round-trip, with --json', () => {
    const installed = r.trace(['hooks', 'install', '--json'], { env });
    assert.equal(installed.status, 0, installed.stderr);
    assert.equal(installed.stderr, '');
    const { version, changes } = JSON.parse(installed.stdout) as { version: number; changes: Record<string, unknown>[] };
    assert.equal(version, 1);
    assert.deepEqual(changes.map((c) => [c['target'], c['scope'], c['action'], c['path']]), [['claude-code', 'user', 'updated', settings]]);
    assert.match(readFileSync(settings, 'utf8'), /\n\t\t"SessionStart": \[/);

    const status = r.trace(['hooks', 'status', '--json'], { env });
    assert.equal(status.status, 0, status.stderr);
    const hooks = (JSON.parse(status.stdout) as { hooks: { target: string; scope: string | null; state: string; path: string }[] }).hooks;
    assert.deepEqual(hooks.map((h) => [h.target, h.scope, h.state]), [
      ['claude-code', 'user', 'installed'],
      ['codex', 'user', 'not-installed'],
      ['gemini', 'user', 'not-installed'],
      ['pi', 'user', 'not-installed'],
      ['opencode', 'user', 'not-installed'],
      ['claude-code', 'project', 'not-installed'],
      ['codex', 'project', 'not-installed'],
      ['gemini', 'project', 'not-installed'],
      ['pi', 'project', 'not-installed'],
      ['opencode', 'project', 'not-installed'],
      ['git-post-commit', null, 'not-installed'],
    ]);
    assert.equal(realpathSync(join(hooks[5]?.path ?? '', '..', '..')), realpathSync(r.dir));

    const text = r.trace(['hooks', 'status', '--scope', 'user'], { env });
    assert.match(text.stdout, /^claude-code\s+user\s+installed\s+\S+settings\.json$/m);
    assert.match(text.stdout, /^codex\s+user\s+not installed\s/m);
    assert.doesNotMatch(text.stdout, /project/);

    const removed = r.trace(['hooks', 'uninstall'], { env });
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /^claude-code\s+user\s+restored\s/m);
    assert.equal(readFileSync(settings, 'utf8'), original);
  });

  test('--git-hook installs the post-commit hook next to the agents', () => {
    const installed = r.trace(['hooks', 'install', '--agent', 'codex', '--git-hook'], { env });
    assert.equal(installed.status, 0, installed.stderr);
    assert.match(installed.stdout, /^codex\s+user\s+created\s/m);
    assert.match(installed.stdout, /^git post-commit\s+created\s+\S+post-commit\s+1 event$/m);
    assert.match(readFileSync(join(r.dir, '.git', 'hooks', 'post-commit'), 'utf8'), /git trace flush --quiet/);
    const removed = r.trace(['hooks', 'uninstall', '--agent', 'codex', '--git-hook', '--json'], { env });
    const changes = (JSON.parse(removed.stdout) as { changes: { target: string; action: string }[] }).changes;
    assert.deepEqual(changes.map((c) => [c.target, c.action]), [['codex', 'deleted'], ['git-post-commit', 'deleted']]);
  });

  test('a config that is not JSON fails with one error line naming it, and no stack', () => {
    writeFileSync(settings, '{ "hooks": { } ');
    const result = r.trace(['hooks', 'install', '--agent', 'claude-code'], { env });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^error: '${settings.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is not valid JSON \\(.*\\); not changing it$`));
    assert.ok(lines.slice(1).every((l) => l.startsWith('hint: ')), result.stderr);
    assert.equal(readFileSync(settings, 'utf8'), '{ "hooks": { } ');
    writeFileSync(settings, original);
  });

  const synopsis = /^hint: usage: git trace hooks install/m;
  const usage: readonly { args: string[]; error: RegExp; hint: RegExp }[] = [
    { args: ['hooks'], error: /^error: say what to do: install, uninstall or status$/m, hint: synopsis },
    { args: ['hooks', 'frobnicate'], error: /^error: unknown hooks command 'frobnicate'$/m, hint: synopsis },
    { args: ['hooks', 'install', '--scope', 'team'], error: /^error: unknown scope 'team'$/m, hint: /^hint: scopes: user \(your home\), project/m },
    { args: ['hooks', 'install', '--agent', 'cursor'], error: /^error: unknown agent 'cursor'$/m, hint: /^hint: agents: claude-code, codex, gemini, pi, opencode$/m },
    { args: ['hooks', 'status', '--git-hook'], error: /^error: '--git-hook' is for install and uninstall/m, hint: synopsis },
    { args: ['hooks', 'install', '--force'], error: /^error: unknown option '--force'$/m, hint: synopsis },
  ];
  for (const row of usage) {
    test(`'git trace ${row.args.join(' ')}' is a usage error (exit 2)`, () => {
      const result = r.trace(row.args, { env });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, row.error);
      assert.match(result.stderr, row.hint);
    });
  }

  test('--help explains the default scope and exits 0', () => {
    const result = r.trace(['hooks', '--help'], { env });
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^usage: git trace hooks install/);
    assert.match(result.stdout, /user \(the default\)/);
  });

  test('outside a repository, user scope works and project scope says what it needs', () => {
    const outside = join(box.home, 'not-a-repo');
    mkdirSync(outside, { recursive: true });
    const status = runCli(['hooks', 'status', '--json'], { cwd: outside, env: { ...env, GIT_CEILING_DIRECTORIES: box.home } });
    assert.equal(status.status, 0, status.stderr);
    const hooks = (JSON.parse(status.stdout) as { hooks: { scope: string }[] }).hooks;
    assert.deepEqual([...new Set(hooks.map((h) => h.scope))], ['user']);
    const project = runCli(['hooks', 'install', '--scope', 'project', '--agent', 'codex'], { cwd: outside, env: { ...env, GIT_CEILING_DIRECTORIES: box.home } });
    assert.equal(project.status, 1);
    assert.match(project.stderr, /^error: project scope needs a git work tree$/m);
  });
});
