// The package's entry (bin/git-trace.cts): a command runs from the CLI's CommonJS bundle, the
// hook from its own, never through node's ES module loader over the tsc output; and the bundle
// answers as the ES module entry does, finding the files beside each module as that one would.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, PROJECT_ROOT } from '../helpers/paths.js';
import { pinEnvironment, tempRepo, type TempRepo } from '../helpers/repo.js';

const ESM_ENTRY = join(PROJECT_ROOT, 'dist', 'bin', 'git-trace.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The CommonJS files the process required, relative to dist/. */
  readonly required: readonly string[];
}

describe('the package entry', () => {
  let repo: TempRepo;
  let preload: string;

  before(() => {
    const home = pinEnvironment();
    repo = tempRepo();
    // Names what the process required from dist/, on stderr's last line, as it exits.
    preload = join(home, 'required.cjs');
    writeFileSync(preload, `process.on('exit', () => process.stderr.write('\\nrequired: ' + JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/dist/')).map((f) => f.slice(f.indexOf('/dist/') + 6)))));\n`);
  });
  after(() => repo.cleanup());

  function run(entry: string, args: readonly string[], input = ''): Run {
    // No file watcher left behind by the hook: this test is about which code runs.
    const result = spawnSync(process.execPath, ['--require', preload, entry, ...args], { cwd: repo.dir, encoding: 'utf8', input, env: { ...process.env, GIT_TRACE_WATCH: '0' } });
    const cut = result.stderr.lastIndexOf('\nrequired: ');
    return { status: result.status, stdout: result.stdout, stderr: result.stderr.slice(0, cut), required: JSON.parse(result.stderr.slice(cut + '\nrequired: '.length)) as string[] };
  }

  test('a command runs from the CLI bundle alone, and answers as the ES module entry does', () => {
    // `--version` with anything after it takes the bundle's way (alone, it loads nothing: below).
    for (const args of [['--version', 'x'], ['help'], ['list', '--json'], ['frobnicate'], ['show', 'no-such-session']]) {
      const bundled = run(CLI, args);
      assert.deepEqual(bundled.required, ['bin/git-trace.cjs', 'lib/cli/cli-bundle.cjs'], `${args.join(' ')}: only the entry and the bundle`);
      const plain = run(ESM_ENTRY, args);
      assert.deepEqual({ status: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }, { status: plain.status, stdout: plain.stdout, stderr: plain.stderr }, args.join(' '));
    }
  });

  test('the bundles are strict code, as the ES modules they came from', () => {
    for (const bundle of ['cli-bundle.cjs', 'hook-bundle.cjs']) {
      const text = readFileSync(join(PROJECT_ROOT, 'dist', 'lib', 'cli', bundle), 'utf8').replace(/^#!.*\n/, '');
      assert.ok(text.startsWith('"use strict";'), `${bundle} starts with the directive`);
    }
  });

  test('the bundle finds the files beside each module: the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const bundled = run(CLI, ['--version', 'x']);
    assert.deepEqual(bundled.required, ['bin/git-trace.cjs', 'lib/cli/cli-bundle.cjs']);
    assert.equal(bundled.stdout, `git-trace ${version}\n`);
  });

  test('--version alone loads no bundle, and says the same', () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const light = run(CLI, [flag]);
      assert.deepEqual(light.required, ['bin/git-trace.cjs'], flag);
      assert.deepEqual([light.status, light.stdout, light.stderr], [0, `git-trace ${version}\n`, ''], flag);
    }
  });

  test('the hook runs from its own bundles, never the CLI bundle: the hand-over first, the whole hook for an event handled here', () => {
    const hook = run(CLI, ['hook', 'claude-code'], JSON.stringify({ hook_event_name: 'SessionStart', session_id: 'entry-test', cwd: repo.dir }));
    assert.equal(hook.status, 0);
    assert.deepEqual(hook.required, ['bin/git-trace.cjs', 'lib/cli/hook-handover-bundle.cjs', 'lib/cli/hook-bundle.cjs']);
  });

  const nodeKeepsItsOwn = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  test("the hook's bundles keep V8's code cache under XDG_CACHE_HOME: written once, used after, a damaged one replaced", { skip: nodeKeepsItsOwn ? 'this node keeps its own compile cache (module.enableCompileCache)' : false }, () => {
    const cache = join(repo.dir, '.git', 'v8-cache-test');
    const hook = (): Run => {
      const result = spawnSync(process.execPath, [CLI, 'hook', 'claude-code'], {
        cwd: repo.dir,
        encoding: 'utf8',
        input: JSON.stringify({ hook_event_name: 'Notification', session_id: 'entry-cache', cwd: repo.dir, message: 'hello' }),
        env: { ...process.env, GIT_TRACE_WATCH: '0', XDG_CACHE_HOME: cache },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, required: [] };
    };
    const dir = join(cache, 'git-trace', 'v8');
    const first = hook();
    assert.deepEqual([first.status, first.stdout, first.stderr], [0, '', '']);
    const files = readdirSync(dir).sort();
    assert.deepEqual(
      files.map((f) => f.replace(/-[0-9a-f]{8}\.v8$/, '')),
      ['hook-bundle', 'hook-handover-bundle'],
    );
    const written = files.map((f) => statSync(join(dir, f)).mtimeMs);
    const second = hook();
    assert.deepEqual([second.status, second.stdout, second.stderr], [0, '', '']);
    assert.deepEqual(
      files.map((f) => statSync(join(dir, f)).mtimeMs),
      written,
      'used, not written again',
    );
    writeFileSync(join(dir, files[0] as string), 'not a code cache');
    const third = hook();
    assert.deepEqual([third.status, third.stdout, third.stderr], [0, '', '']);
    assert.ok(statSync(join(dir, files[0] as string)).size > 1000, 'a damaged cache is rejected by V8 and written again');
  });
});
