// The commit graph attribution works on, from ONE `git rev-list` over the branches, the
// remote-tracking branches and HEAD (plus any revision a command names), newest first in
// topological order, bounded. Ancestry questions (is this commit on the ref? is it after the
// session's base?) are answered from it in memory, never by a git process per commit.

import { GitError, runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { UsageError } from '../errors.js';

/** How many commits a command looks at, at most (the newest, in topological order). */
export const DEFAULT_HISTORY_LIMIT = 20_000;

export interface CommitNode {
  readonly id: string;
  readonly parents: readonly string[];
  /** Committer time, seconds. */
  readonly time: number;
}

export interface HistoryOptions {
  /** Revisions to include besides branches, remotes and HEAD (commit ids). */
  readonly include?: readonly string[];
  readonly limit?: number;
}

export class History {
  private readonly memo = new Map<string, ReadonlySet<string>>();

  private constructor(
    /** Newest first, children before parents. */
    readonly order: readonly CommitNode[],
    readonly nodes: ReadonlyMap<string, CommitNode>,
    /** The limit cut the walk short: older commits are not known. */
    readonly truncated: boolean,
  ) {}

  static async load(repo: GitRepo, options: HistoryOptions = {}): Promise<History> {
    const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
    const base = ['rev-list', '--topo-order', '--parents', '--timestamp', `--max-count=${limit + 1}`, '--branches', '--remotes', ...(options.include ?? [])];
    let text: string;
    try {
      text = (await runGit([...base, 'HEAD', '--'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir } })).stdout.toString('utf8');
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      // An unborn HEAD (no commit yet): the branches are all there is.
      text = (await runGit([...base, '--'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir } })).stdout.toString('utf8');
    }
    const order: CommitNode[] = [];
    for (const line of text.split('\n')) {
      const [time, id, ...parents] = line.trim().split(' ');
      if (id === undefined || time === undefined) continue;
      order.push({ id, parents, time: Number(time) });
    }
    const truncated = order.length > limit;
    if (truncated) order.length = limit;
    return new History(order, new Map(order.map((n) => [n.id, n])), truncated);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The commit and all its ancestors that the walk saw. */
  ancestors(id: string): ReadonlySet<string> {
    const known = this.memo.get(id);
    if (known !== undefined) return known;
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      const node = this.nodes.get(next);
      if (node === undefined) continue;
      seen.add(next);
      for (const p of node.parents) if (!seen.has(p)) stack.push(p);
    }
    this.memo.set(id, seen);
    return seen;
  }

  /** Commits in `set`, parents before children. */
  oldestFirst(set: ReadonlySet<string>): CommitNode[] {
    const out: CommitNode[] = [];
    for (let i = this.order.length - 1; i >= 0; i--) {
      const node = this.order[i] as CommitNode;
      if (set.has(node.id)) out.push(node);
    }
    return out;
  }
}

/** The commit a revision names; a UsageError when it names none. */
export async function resolveCommit(repo: GitRepo, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new UsageError(`'${rev}' is not a revision`);
  const result = await runGit(['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1, 128] });
  const id = result.stdout.toString('utf8').trim();
  if (result.exitCode !== 0 || id === '') throw new UsageError(`'${rev}' does not name a commit`, { hint: 'give a branch, a tag or a commit id' });
  return id;
}
