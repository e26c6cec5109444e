// What a replay writes, and which of those files run code when the verdict runs: build and test
// scripts, task runners, CI and git hooks, package manifests whose scripts a test command starts.
// `capsule open` and replay's question show these in full; every other written file is listed by
// path. Lockfiles are listed only: they pin what an install would fetch, but replay installs
// nothing unless the verdict does (and then the manifest beside them is shown).
//
// The classifier is deliberately broad on names and short on content sniffing: a false "runs
// code" costs a diff on the screen, a missed one costs a surprise.

import type { Patch } from '../lib/model/step.js';
import { splitUnifiedDiff } from '../lib/replay/unified.js';
import type { CapsulePayload } from './payload.js';

export type FileRole = 'runs-code' | 'lockfile' | 'data';

/** Exact file names (any folder) that a build, an install or a test run executes or obeys. */
const RUN_NAMES = new Set([
  'package.json', '.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs',
  'makefile', 'gnumakefile', 'justfile', '.justfile', 'rakefile', 'taskfile.yml', 'taskfile.yaml', 'magefile.go',
  'dockerfile', 'containerfile', 'docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml',
  'setup.py', 'setup.cfg', 'pyproject.toml', 'conftest.py', 'tox.ini', 'noxfile.py', 'pytest.ini', 'manage.py',
  'cargo.toml', 'build.rs', '.cargo/config.toml',
  'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradlew', 'pom.xml', 'build.xml', 'build.sbt',
  'cmakelists.txt', 'meson.build', 'configure', 'configure.ac', 'build', 'build.bazel', 'workspace', 'module.bazel',
  'gemfile', '.gitlab-ci.yml', '.travis.yml', 'jenkinsfile', 'azure-pipelines.yml', '.envrc', '.lefthook.yml', 'lefthook.yml', '.pre-commit-config.yaml',
]);
/** Config files of test runners and bundlers that are themselves code (jest.config.js, vite.config.ts…). */
const RUN_CONFIG = /^(jest|vitest|vite|webpack|rollup|babel|karma|playwright|cypress|eslint|prettier|svelte|next|nuxt|astro|tsup|esbuild)\.config\.[cm]?[jt]s$|^\.mocharc\.[cm]?js$|^\.babelrc\.[cm]?js$|^gulpfile\.[cm]?[jt]s$|^gruntfile\.[cm]?[jt]s$/;
/** Extensions of scripts and build files. */
const RUN_EXTENSIONS = /\.(sh|bash|zsh|fish|ps1|bat|cmd|mk|cmake|dockerfile)$/;
/** Folders whose files are run as commands or hooks (any depth). */
const RUN_FOLDERS = new Set(['scripts', 'script', 'bin', '.husky', 'hooks', '.githooks', 'tools']);
/** Folders whose files CI or the editor runs, by their path from the top. */
const RUN_PREFIXES = ['.github/workflows/', '.github/actions/', '.circleci/', '.buildkite/', '.devcontainer/', '.vscode/tasks.json'];
const LOCKFILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'cargo.lock', 'poetry.lock', 'pipfile.lock', 'uv.lock', 'gemfile.lock', 'composer.lock', 'go.sum', 'flake.lock', 'gradle.lockfile']);

/** What a repository-relative path is to a replay. */
export function fileRole(path: string): FileRole {
  const lower = path.toLowerCase();
  const parts = lower.split('/');
  const name = parts[parts.length - 1] ?? '';
  if (LOCKFILES.has(name)) return 'lockfile';
  if (RUN_NAMES.has(name) || RUN_NAMES.has(parts.slice(-2).join('/')) || name.startsWith('dockerfile.')) return 'runs-code';
  if (RUN_CONFIG.test(name) || RUN_EXTENSIONS.test(name)) return 'runs-code';
  if (parts.slice(0, -1).some((p) => RUN_FOLDERS.has(p))) return 'runs-code';
  return RUN_PREFIXES.some((p) => lower.startsWith(p)) ? 'runs-code' : 'data';
}

/** A patch replay applies, and where it comes from (null: the starting state). */
export interface EpisodePatch {
  readonly step: number | null;
  readonly patch: Patch;
}

/** Every patch replay applies, in order: the starting state, then the trail. */
export function episodePatches(payload: CapsulePayload): EpisodePatch[] {
  return [...splitUnifiedDiff(payload.repository.startState).map((patch) => ({ step: null, patch })), ...payload.trail.flatMap((t) => t.patches.map((patch) => ({ step: t.step, patch })))];
}

/** Every path replay writes (created, changed, deleted, or renamed from), sorted. */
export function writtenPaths(patches: readonly EpisodePatch[]): string[] {
  return [...new Set(patches.flatMap(({ patch }) => (patch.oldPath === undefined ? [patch.path] : [patch.oldPath, patch.path])))].sort();
}

export interface RunFile {
  readonly path: string;
  /** Every patch to it, in the order replay applies them. */
  readonly diff: string;
}

/** The written files that run code, each with its whole diff. */
export function runFiles(patches: readonly EpisodePatch[]): RunFile[] {
  const byPath = new Map<string, string[]>();
  for (const { patch } of patches) {
    const paths = patch.oldPath === undefined ? [patch.path] : [patch.oldPath, patch.path];
    if (!paths.some((p) => fileRole(p) === 'runs-code')) continue;
    byPath.set(patch.path, [...(byPath.get(patch.path) ?? []), patch.diff]);
  }
  return [...byPath.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, diffs]) => ({ path, diff: diffs.join('') }));
}
