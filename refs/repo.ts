// Finding the repository: work tree, git dir, common dir (shared by linked worktrees) and the
// object format (SHA-1 or SHA-256), in one git process.

import { join } from 'node:path';
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
