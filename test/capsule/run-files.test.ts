// Which files a replay writes run code: build and test scripts, hooks, CI, manifests with
// scripts; lockfiles are listed only; everything else is data. And the diffs open shows for them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileRole, runFiles, writtenPaths, type EpisodePatch, type FileRole } from '../../capsule/run-files.js';

describe('run files', () => {
  const rows: [string, FileRole][] = [
    ['package.json', 'runs-code'],
    ['packages/web/package.json', 'runs-code'],
    ['package-lock.json', 'lockfile'],
    ['yarn.lock', 'lockfile'],
    ['Cargo.lock', 'lockfile'],
    ['Makefile', 'runs-code'],
    ['GNUmakefile', 'runs-code'],
    ['build/rules.mk', 'runs-code'],
    ['scripts/release.js', 'runs-code'],
    ['tools/gen/main.py', 'runs-code'],
    ['bin/git-trace.ts', 'runs-code'],
    ['deploy.sh', 'runs-code'],
    ['.github/workflows/ci.yml', 'runs-code'],
    ['.gitlab-ci.yml', 'runs-code'],
    ['.husky/pre-commit', 'runs-code'],
    ['githooks/hooks/pre-push', 'runs-code'],
    ['setup.py', 'runs-code'],
    ['pyproject.toml', 'runs-code'],
    ['tests/conftest.py', 'runs-code'],
    ['Cargo.toml', 'runs-code'],
    ['build.rs', 'runs-code'],
    ['justfile', 'runs-code'],
    ['Dockerfile', 'runs-code'],
    ['docker/Dockerfile.dev', 'runs-code'],
    ['jest.config.js', 'runs-code'],
    ['vitest.config.ts', 'runs-code'],
    ['.npmrc', 'runs-code'],
    ['.envrc', 'runs-code'],
    ['src/lib.js', 'data'],
    ['test.js', 'data'],
    ['tsconfig.json', 'data'],
    ['README.md', 'data'],
    ['docs/scripting.md', 'data'],
    ['src/binary.ts', 'data'],
  ];
  for (const [path, role] of rows) {
    test(`${path} is ${role}`, () => assert.equal(fileRole(path), role));
  }

  const patch = (step: number | null, path: string, diff: string, oldPath?: string): EpisodePatch => ({ step, patch: { path, diff, origin: 'observed', ...(oldPath === undefined ? {} : { oldPath }) } });

  test('lists every written path once, renamed-from paths included, sorted', () => {
    const patches = [patch(null, 'b.js', '-'), patch(2, 'a.js', '-'), patch(3, 'b.js', '-'), patch(4, 'new/c.js', '-', 'old/c.js')];
    assert.deepEqual(writtenPaths(patches), ['a.js', 'b.js', 'new/c.js', 'old/c.js']);
  });

  test("gives each file that runs code its patches' diffs in the order replay applies them", () => {
    const first = '--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-{}\n+{"scripts":{}}\n';
    const second = '--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-{"scripts":{}}\n+{"scripts":{"test":"sh x"}}\n';
    const patches = [patch(null, 'package.json', first), patch(1, 'src/a.js', '+x\n'), patch(2, 'package.json', second), patch(3, 'run.sh', '+echo\n'), patch(4, 'tools/x.js', '+y\n', 'src/x.js')];
    assert.deepEqual(runFiles(patches), [
      { path: 'package.json', diff: first + second },
      { path: 'run.sh', diff: '+echo\n' },
      { path: 'tools/x.js', diff: '+y\n' },
    ]);
  });
});
