// Detached worktrees for checkout and replay. The user's work tree, index, HEAD and branches are
// never touched: a linked worktree has its own HEAD (detached) and index, and hooks are off for
// every internal git (refs/git.ts), so no post-checkout hook runs either.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, git, runGit } from '../../refs/git.js';
import { applyPatches, type ApplyItem, type ApplyReport } from './apply.js';
import type { TrailEntry } from './trail.js';
import type { Patch } from '../model/step.js';

/** `git worktree add --detach DIR OID` in the repository that `repoDir` lies in. */
export async function addDetachedWorktree(repoDir: string, dir: string, oid: string): Promise<void> {
  await runGit(['worktree', 'add', '--detach', '--quiet', dir, oid], { cwd: repoDir });
}

/** Remove a worktree made by `addDetachedWorktree`, and its administrative files. */
export async function removeWorktree(repoDir: string, dir: string): Promise<void> {
  try {
    await runGit(['worktree', 'remove', '--force', '--force', dir], { cwd: repoDir });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    rmSync(dir, { recursive: true, force: true });
    await runGit(['worktree', 'prune'], { cwd: repoDir }).catch(() => undefined);
  }
}

/** Whether the repository has this commit (and so can check it out). */
export async function hasCommit(repoDir: string, oid: string): Promise<boolean> {
  const result = await runGit(['cat-file', '-e', `${oid}^{commit}`], { cwd: repoDir, okExitCodes: [1, 128] });
  return result.exitCode === 0;
}

/** A revision name to a commit id, or null when it names none. */
export async function resolveCommit(repoDir: string, rev: string): Promise<string | null> {
  const result = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: repoDir, okExitCodes: [1, 128] });
  return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : null;
}

/**
 * The tree of everything in a work tree (`add -A`, ignored files left out), via a throw-away
 * index. `objectEnv` (see scratchObjects) writes its blobs and trees elsewhere than the
 * repository's object store.
 */
export async function workTreeTree(workTree: string, objectEnv: Readonly<Record<string, string>> = {}): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-index-'));
  try {
    const env = { ...objectEnv, GIT_INDEX_FILE: join(scratch, 'index') };
    await runGit(['read-tree', 'HEAD'], { cwd: workTree, env });
    await runGit(['add', '-A', '--', '.'], { cwd: workTree, env });
    return await git(['write-tree'], { cwd: workTree, env });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Apply the starting state, then every step's patches in order. */
export async function applyEpisode(workTree: string, startState: readonly Patch[], trail: readonly TrailEntry[]): Promise<ApplyReport> {
  const items: ApplyItem[] = [
    ...startState.map((patch) => ({ step: null, patch })),
    ...trail.flatMap((entry) => entry.patches.map((patch) => ({ step: entry.step, patch }))),
  ];
  return applyPatches(workTree, items);
}

/** Git's environment for an object directory of its own that reads the repository's objects too. */
export function scratchObjects(dir: string, commonDir: string): Record<string, string> {
  return { GIT_OBJECT_DIRECTORY: dir, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(commonDir, 'objects') };
}
