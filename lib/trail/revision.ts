// Revisions as users give them: a branch, a tag, a commit id, HEAD~3. One git process each.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { UsageError } from '../errors.js';

/** The commit a revision names; a UsageError when it names none. */
export async function resolveCommit(repo: GitRepo, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new UsageError(`'${rev}' is not a revision`);
  const result = await runGit(['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1, 128] });
  const id = result.stdout.toString('utf8').trim();
  if (result.exitCode !== 0 || id === '') {
    if (rev === 'HEAD' && (await unborn(repo))) throw new UsageError('this repository has no commits yet', { hint: 'git trace reads what was committed: commit first, then ask again' });
    throw new UsageError(`'${rev}' does not name a commit`, { hint: 'give a branch, a tag or a commit id' });
  }
  return id;
}

/** HEAD names a branch that has no commit yet (a new repository). */
async function unborn(repo: GitRepo): Promise<boolean> {
  const branch = await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1, 128] });
  if (branch.exitCode !== 0) return false;
  const tip = await runGit(['rev-parse', '-q', '--verify', branch.stdout.toString('utf8').trim()], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1, 128] });
  return tip.exitCode !== 0;
}
