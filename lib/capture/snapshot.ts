// Working-tree snapshots for live capture: the session's own temporary index, `add -A`,
// `write-tree`. The user's index is never touched (GIT_INDEX_FILE points at ours), and a kept
// index makes `add -A` look only at files whose stat data changed, so a 20k-file tree costs
// tens of milliseconds. Blobs and trees written here go to the session's own object directory,
// with the repository's objects as an alternate: nothing of a snapshot (an untracked `.env`,
// say) lands in the user's object store, and the directory goes with the session's capture
// folder once it is stored. What lasts is the patch derived from them.

import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitError, runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { editTree, presentAt } from './tree-edit.js';

export interface Snapshot {
  readonly tree: string;
  /** Set when the time limit cut the walk short: the tree then misses some changes. */
  readonly truncated?: boolean;
}

export interface SnapshotOptions {
  readonly indexFile: string;
  /** The session's private object directory (see snapshotObjects). */
  readonly objectsDir: string;
  /**
   * Only these repository-relative paths can have changed since the index was last brought up
   * to date (a file-editing tool's own file, or what the watcher saw): look at them alone
   * instead of walking the tree. Empty: nothing changed.
   */
  readonly only?: readonly string[];
  /**
   * The session's last snapshot: with `only`, its tree is edited at those paths (tree-edit.ts),
   * which costs the same whatever the size of the tree; the index is then behind, and says so.
   */
  readonly base?: string;
  /** Longest the walk may take before the snapshot is recorded as cut short. */
  readonly timeoutMs?: number;
}

const LOCK_RETRIES = 20;

export async function snapshotWorkTree(repo: GitRepo, options: SnapshotOptions): Promise<Snapshot> {
  const workTree = repo.workTree;
  if (workTree === null) throw new Error('a bare repository has no work tree to snapshot');
  const objects = snapshotObjects(repo, options.objectsDir);
  if (options.only !== undefined && options.base !== undefined) {
    const edited = await editTree(repo, { workTree, base: options.base, paths: options.only, objectsEnv: objects, objectsDir: options.objectsDir, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }).catch(() => null);
    if (edited !== null) {
      markIndexBehind(options.indexFile, options.only);
      return { tree: edited };
    }
  }
  const env = { GIT_INDEX_FILE: options.indexFile, GIT_DIR: repo.gitDir, GIT_WORK_TREE: workTree, ...objects };
  // Named paths go on stdin, NUL-separated: any number of them, any bytes.
  const run = (args: string[], okExitCodes: number[] = [], paths: readonly string[] = []): Promise<string> =>
    withIndexLockRetry(() =>
      runGit(args, { cwd: workTree, env, okExitCodes, input: paths.map(literal).join('\0'), timeoutMs: options.timeoutMs ?? 4000 }).then((r) => r.stdout.toString('utf8').trim()),
    );
  if (!existsSync(options.indexFile)) await seedIndex(repo, options.indexFile, env);
  let truncated = false;
  try {
    if (options.only !== undefined) {
      // Paths edited into trees since the index was written: bring their entries to the last
      // tree first, or write-tree would take them back to older content.
      const behind = indexBehind(options.indexFile);
      if (behind.length > 0 && options.base !== undefined) {
        const info = await indexInfoOf(run, options.base, behind);
        await withIndexLockRetry(() => runGit(['update-index', '-z', '--index-info'], { cwd: workTree, env, input: info, timeoutMs: options.timeoutMs ?? 4000 }));
      }
      // A named path may not exist (yet, before a Write; or any more): `add` would fail on it,
      // so a missing path leaves the index instead (a no-op when it was never there). A named
      // path that is ignored makes `add` exit 1 having added the rest: that is no failure here.
      const present = options.only.filter((p) => presentAt(workTree, p) !== undefined);
      const missing = options.only.filter((p) => !present.includes(p));
      if (present.length > 0) await run(['add', '-A', '--ignore-errors', '--pathspec-from-file=-', '--pathspec-file-nul'], [1], present);
      if (missing.length > 0) await run(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], [], missing);
    } else {
      await run(['add', '-A', '--ignore-errors', '--', '.']);
    }
  } catch (error) {
    if (!(error instanceof GitError && error.timedOut)) throw error;
    truncated = true;
  }
  const tree = await run(['write-tree']);
  // A whole walk, or a catch-up, leaves the index as current as the tree it wrote.
  if (!truncated) rmSync(behindFile(options.indexFile), { force: true });
  return truncated ? { tree, truncated } : { tree };
}

function behindFile(indexFile: string): string {
  return `${indexFile}.behind`;
}

function markIndexBehind(indexFile: string, paths: readonly string[]): void {
  if (paths.length > 0) appendFileSync(behindFile(indexFile), paths.map((p) => `${p}\0`).join(''), { mode: PRIVATE_FILE_MODE });
}

function indexBehind(indexFile: string): string[] {
  try {
    return [...new Set(readFileSync(behindFile(indexFile), 'utf8').split('\0').filter((p) => p !== ''))];
  } catch {
    return [];
  }
}

/** `update-index --index-info` input that sets `paths` to what `tree` has there (removed where it has none). */
async function indexInfoOf(run: (args: string[]) => Promise<string>, tree: string, paths: readonly string[]): Promise<string> {
  const listed = await run(['ls-tree', '-r', '-z', '--full-tree', tree, '--', ...paths]);
  const lines = listed.split('\0').filter((l) => l !== '');
  const present = new Set(lines.map((l) => l.slice(l.indexOf('\t') + 1)));
  const zero = '0'.repeat(tree.length);
  return [...lines, ...paths.filter((p) => !present.has(p)).map((p) => `0 ${zero}\t${p}`)].map((l) => `${l}\0`).join('');
}

/**
 * The environment that makes git write objects to `objectsDir` and read the repository's too:
 * for the snapshots, and for whatever reads their trees (diffs of a tool call, the start state).
 */
export function snapshotObjects(repo: GitRepo, objectsDir: string): Record<string, string> {
  mkdirSync(objectsDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return { GIT_OBJECT_DIRECTORY: objectsDir, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.commonDir, 'objects') };
}

function literal(path: string): string {
  return `:(literal)${path}`;
}

// A copy of the user's index carries its stat data, so even the first walk re-reads only the
// files that changed; without one (a fresh repository), start from HEAD's tree.
async function seedIndex(repo: GitRepo, indexFile: string, env: Readonly<Record<string, string>>): Promise<void> {
  try {
    copyFileSync(join(repo.gitDir, 'index'), indexFile);
    return;
  } catch {
    await runGit(['read-tree', 'HEAD'], { cwd: repo.workTree ?? repo.gitDir, env, okExitCodes: [128] }).catch(() => undefined);
  }
}

// Two hooks of one session (parallel subagent calls) may want the same index at once.
async function withIndexLockRetry<T>(action: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const locked = error instanceof GitError && /index\.lock/.test(error.stderr);
      if (!locked || attempt >= LOCK_RETRIES) throw error;
      await sleep(10 + Math.random() * 40);
    }
  }
}
