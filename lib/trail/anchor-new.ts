// For git's post-commit hook: anchor the commits just made, so `blame` and `track` find them
// already diffed. Two git processes whatever the history's size: a bounded rev-list from HEAD
// and one diff-tree for the commits the cache lacks. No session is decrypted.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { AnchorCache } from './anchor-cache.js';

export interface AnchorNewResult {
  /** Commits diffed now. */
  readonly anchored: number;
}

/** Diff the newest commits on HEAD (up to `depth`) that the anchor cache does not have yet. */
export async function anchorNewCommits(repo: GitRepo, depth = 50): Promise<AnchorNewResult> {
  const listed = await runGit(['rev-list', `--max-count=${depth}`, 'HEAD', '--'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [128] });
  if (listed.exitCode !== 0) return { anchored: 0 };
  const commits = listed.stdout.toString('utf8').split('\n').filter((l) => l !== '');
  const cache = AnchorCache.open(repo);
  await cache.ensure(commits);
  return { anchored: cache.diffed };
}
