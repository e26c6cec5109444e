// Real git repositories in temporary folders, with a pinned environment (git's t/test-lib.sh):
// HOME inside a temporary folder, no system or global config of the machine, fixed dates, UTC.

import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI } from './paths.js';

let pinnedHome: string | undefined;

/** Point HOME, XDG dirs and git's config at a fresh temporary home, once per test process. */
export function pinEnvironment(): string {
  if (pinnedHome !== undefined) return pinnedHome;
  const home = mkdtempSync(join(tmpdir(), 'git-trace-home-'));
  const gitconfig = join(home, '.gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n');
  Object.assign(process.env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
    GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
    TZ: 'UTC',
    LC_ALL: 'C',
    NO_COLOR: '1',
  });
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_TRACE_IDENTITY', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'GEMINI_CLI_HOME', 'PI_CODING_AGENT_DIR', 'XDG_DATA_HOME', 'OPENCODE_DB']) {
    delete process.env[name];
  }
  process.on('exit', () => rmSync(home, { recursive: true, force: true }));
  pinnedHome = home;
  return home;
}

export interface TempRepo {
  readonly dir: string;
  /** Run git in the repository; returns stdout. Throws when git fails. */
  git(...args: string[]): string;
  /** Write files (relative paths) into the work tree. */
  write(files: Readonly<Record<string, string>>): void;
  /** Write files, `git add -A`, commit; returns the new commit id. */
  commit(message: string, files?: Readonly<Record<string, string>>): string;
  /** Run the git-trace CLI in the repository. */
  trace(args: readonly string[], options?: { input?: string; env?: Record<string, string | undefined> }): SpawnSyncReturns<string>;
  cleanup(): void;
}

export interface TempRepoOptions {
  readonly objectFormat?: 'sha1' | 'sha256';
  readonly bare?: boolean;
}

export function tempRepo(files: Readonly<Record<string, string>> = { 'README.md': 'hello\n' }, options: TempRepoOptions = {}): TempRepo {
  pinEnvironment();
  const dir = mkdtempSync(join(tmpdir(), 'git-trace-repo-'));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', `--object-format=${options.objectFormat ?? 'sha1'}`);
  const write = (more: Readonly<Record<string, string>>): void => {
    for (const [path, content] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  const commit = (message: string, more: Readonly<Record<string, string>> = {}): string => {
    write(more);
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  if (Object.keys(files).length > 0) commit('initial', files);
  return {
    dir,
    git,
    write,
    commit,
    trace: (args, opts = {}) => runCli(args, { cwd: dir, ...opts }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run the compiled CLI as a real process. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; input?: string; env?: Record<string, string | undefined> },
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
}
