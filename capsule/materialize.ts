// Getting the capsule's base commit into a fresh work tree, from the first place that has it:
//   local   the repository you are in: a detached linked worktree (`git worktree add --detach`);
//   bundle  the capsule's base.bundle, fetched into a scratch repository made in the target folder;
//   remote  a remote the capsule names, fetched the same way.
// A scratch repository borrows the local repository's objects (alternates) when there is one, so
// `--against REV` can name a local revision. Nothing of the user's is written: no ref, no
// FETCH_HEAD, no change to the work tree or index (a linked worktree has its own).

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, runGit } from '../refs/git.js';
import type { GitRepo } from '../refs/repo.js';
import { NotFoundError } from '../lib/errors.js';
import { addDetachedWorktree, hasCommit, removeWorktree } from '../lib/replay/worktree.js';
import type { RepositoryState } from './payload.js';

export type BaseSource = 'local' | 'bundle' | 'remote';

export interface Materialized {
  readonly dir: string;
  readonly source: BaseSource;
  /** Remove the work tree (and the scratch repository, or the worktree's registration). */
  remove(): Promise<void>;
}

export interface MaterializeRequest {
  readonly local: GitRepo | null;
  readonly state: RepositoryState;
  readonly bundle: Buffer | null;
  /** The commit to check out: the base, or the --against revision. */
  readonly checkout: string;
  /** An empty or missing folder. */
  readonly dir: string;
  readonly progress: (message: string) => void;
}

export async function materialize(request: MaterializeRequest): Promise<Materialized> {
  const { local, state, checkout, dir } = request;
  const localDir = local === null ? null : local.workTree ?? local.gitDir;
  if (localDir !== null && (await hasCommit(localDir, state.baseCommit)) && (await hasCommit(localDir, checkout))) {
    request.progress(`checking out ${checkout.slice(0, 12)} from this repository in ${dir}`);
    await addDetachedWorktree(localDir, dir, checkout);
    return { dir, source: 'local', remove: () => removeWorktree(localDir, dir) };
  }
  await runGit(['init', '--quiet', `--object-format=${state.objectFormat}`, dir], { cwd: join(dir, '..') });
  const remove = async (): Promise<void> => rmSync(dir, { recursive: true, force: true });
  try {
    if (local !== null) writeFileSync(join(dir, '.git', 'objects', 'info', 'alternates'), `${join(local.commonDir, 'objects')}\n`);
    const source = await fetchBase(request);
    if (!(await hasCommit(dir, checkout))) throw new NotFoundError(`commit ${checkout.slice(0, 12)} is not available`, { hint: 'run the replay inside a clone of the repository' });
    await runGit(['checkout', '--quiet', '--detach', checkout], { cwd: dir });
    return { dir, source, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

async function fetchBase(request: MaterializeRequest): Promise<BaseSource> {
  const { dir, state } = request;
  const base = state.baseCommit;
  if (request.bundle !== null) {
    request.progress(`taking the base commit ${base.slice(0, 12)} from the capsule's bundle`);
    const file = join(dir, '.git', 'capsule-base.bundle');
    writeFileSync(file, request.bundle);
    try {
      await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', file, 'refs/heads/base:refs/capsule/base'], { cwd: dir });
    } finally {
      rmSync(file, { force: true });
    }
    if (await hasCommit(dir, base)) return 'bundle';
  }
  for (const remote of state.remotes) {
    request.progress(`fetching the base commit ${base.slice(0, 12)} from ${remote.name} (${remote.url})`);
    try {
      await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote.url, `${base}:refs/capsule/base`], { cwd: dir, timeoutMs: 300_000 });
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      // Servers that refuse a fetch by commit id: take their branches and look.
      await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote.url, '+refs/heads/*:refs/capsule/heads/*'], { cwd: dir, timeoutMs: 300_000 }).catch(() => undefined);
    }
    if (await hasCommit(dir, base)) return 'remote';
  }
  throw new NotFoundError(`the base commit ${base.slice(0, 12)} is not in this repository${request.bundle === null ? '' : ', the bundle'}${state.remotes.length === 0 ? '' : ' or the remotes the capsule names'}`, {
    hint: request.bundle === null ? 'replay inside a clone that has it, or ask the sender to seal with --bundle' : 'the bundle does not hold it: ask the sender for the capsule again',
  });
}

