// Finding the repository: work tree, git dir, common dir (shared by linked worktrees) and the
// object format (SHA-1 or SHA-256), in one git process.

import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RepoError } from '../lib/errors.js';
import { GitError, runGit } from './git.js';

export type ObjectFormat = 'sha1' | 'sha256';

export interface GitRepo {
  /** The top of the work tree; null in a bare repository. */
  readonly workTree: string | null;
  readonly gitDir: string;
  /** Shared by all linked worktrees: our local state lives under it. */
  readonly commonDir: string;
  readonly objectFormat: ObjectFormat;
  /** Hex length of an object id: 40 or 64. */
  readonly oidLength: number;
  readonly isBare: boolean;
}

export function zeroOid(repo: GitRepo): string {
  return '0'.repeat(repo.oidLength);
}

/** Where git-trace keeps local, derived and private state (spool, index, logs, temp files). */
export function stateDir(repo: GitRepo): string {
  return join(repo.commonDir, 'opentraces');
}

export async function findRepo(cwd: string): Promise<GitRepo> {
  const args = ['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir', '--is-bare-repository', '--show-object-format', '--show-toplevel'];
  let stdout: string;
  try {
    stdout = (await runGit(args, { cwd, okExitCodes: [128] })).stdout.toString('utf8');
  } catch (error) {
    if (error instanceof GitError) throw new RepoError(`cannot run git in '${cwd}'`, { hint: 'is git installed and on PATH?', cause: error });
    throw error;
  }
  const [gitDir, commonDir, bare, format, top] = stdout.split('\n');
  if (gitDir === undefined || gitDir === '' || commonDir === undefined || format === undefined) {
    throw new RepoError(`not a git repository: '${cwd}'`, { hint: "run 'git init' first, or cd into a repository" });
  }
  const isBare = bare === 'true';
  if (format !== 'sha1' && format !== 'sha256') throw new RepoError(`unsupported object format '${format}' in '${gitDir}'`);
  return {
    workTree: isBare || top === undefined || top === '' ? null : top,
    gitDir,
    commonDir,
    objectFormat: format,
    oidLength: format === 'sha1' ? 40 : 64,
    isBare,
  };
}

/**
 * The repository at `cwd`, found as git finds it but without a git process, for the hook's hot
 * path (a process costs a fork of node on every tool call). Only the plain case is answered
 * here: a `.git` folder, or a linked worktree's `.git` file, owned by this user, with no
 * core.worktree, not bare. Anything else (GIT_DIR and its kin set, a bare repository, a
 * worktree config) asks git, as does a cwd in no repository (git's error is the one to give).
 */
export async function findRepoQuickly(cwd: string): Promise<GitRepo> {
  return quickLook(cwd) ?? findRepo(cwd);
}

const DISCOVERY_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_OBJECT_DIRECTORY'];

function quickLook(cwd: string): GitRepo | null {
  if (DISCOVERY_VARIABLES.some((name) => process.env[name] !== undefined)) return null;
  try {
    for (let dir = realpathSync(cwd); ; dir = dirname(dir)) {
      const dotGit = join(dir, '.git');
      const stat = lstatSync(dotGit, { throwIfNoEntry: false });
      if (stat !== undefined) return stat.isDirectory() || stat.isFile() ? plainRepo(dir, dotGit, stat.isFile()) : null;
      if (dirname(dir) === dir) return null;
    }
  } catch {
    return null;
  }
}

function plainRepo(top: string, dotGit: string, isLink: boolean): GitRepo | null {
  let gitDir = dotGit;
  if (isLink) {
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (pointer?.[1] === undefined) return null;
    gitDir = realpathSync(resolve(top, pointer[1].trim()));
  }
  if (!existsSync(join(gitDir, 'HEAD')) || statSync(gitDir).uid !== process.getuid?.()) return null;
  const common = join(gitDir, 'commondir');
  const commonDir = existsSync(common) ? realpathSync(resolve(gitDir, readFileSync(common, 'utf8').trim())) : gitDir;
  const config = readFileSync(join(commonDir, 'config'), 'utf8');
  if (/^\s*(worktree\s*=|bare\s*=\s*true|worktreeconfig\s*=\s*true)/im.test(config)) return null;
  const objectFormat: ObjectFormat = /^\s*objectformat\s*=\s*sha256\s*$/im.test(config) ? 'sha256' : 'sha1';
  return { workTree: top, gitDir, commonDir, objectFormat, oidLength: objectFormat === 'sha1' ? 40 : 64, isBare: false };
}
