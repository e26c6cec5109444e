// Reading refs and updating them by compare-and-swap. A writer that loses a race re-reads the
// tip, rebuilds on top of it and tries again, a bounded number of times: no flush is dropped,
// and no writer waits forever.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TraceError } from '../lib/errors.js';
import { GitError, git, runGit } from './git.js';
import { readOwnRefFile } from './ref-files.js';
import { zeroOid, type GitRepo } from './repo.js';

export interface RefTip {
  readonly ref: string;
  readonly oid: string;
  /** The object type the ref points at; a session ref must point at a commit. */
  readonly type: string;
}

/** Every ref under `prefix` (e.g. `refs/opentraces/`), in one git process. */
export async function listRefs(repo: GitRepo, prefix: string): Promise<RefTip[]> {
  const out = await git(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', prefix], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir } });
  const tips: RefTip[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [oid, type, ...rest] = line.split(' ');
    if (oid !== undefined && type !== undefined) tips.push({ oid, type, ref: rest.join(' ') });
  }
  return tips;
}

/** The object a ref points at, or null when the ref does not exist. */
export async function readRef(repo: GitRepo, ref: string): Promise<string | null> {
  const fromFiles = readOwnRefFile(repo, ref);
  if (fromFiles !== undefined) return fromFiles;
  const result = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{}`], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1] });
  const oid = result.stdout.toString('utf8').trim();
  return result.exitCode === 0 && oid !== '' ? oid : null;
}

export type CasOutcome = 'updated' | 'raced' | 'locked';

/**
 * Set `ref` to `newOid` only if it still points at `oldOid` (null: only if it does not exist).
 * 'raced': someone else moved the ref first. 'locked': another writer holds the lock right now.
 */
export async function compareAndSwapRef(repo: GitRepo, ref: string, newOid: string, oldOid: string | null, message: string): Promise<CasOutcome> {
  try {
    await runGit(['update-ref', '-m', message, ref, newOid, oldOid ?? zeroOid(repo)], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir } });
    return 'updated';
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const current = await readRef(repo, ref);
    if (current !== oldOid) return 'raced';
    if (/\.lock'?: File exists|Unable to create/i.test(error.stderr)) return 'locked';
    throw error;
  }
}

export interface RefUpdate {
  readonly ref: string;
  /** null: delete the ref (it must then point at `oldOid`). */
  readonly newOid: string | null;
  /** What the ref must point at now; null: it must not exist. */
  readonly oldOid: string | null;
}

/**
 * Move many refs in ONE transaction (`update-ref --stdin`): each only if it still points at its
 * `oldOid`, all or none. 'raced' when any of them moved (or is locked): nothing was changed, and
 * the caller re-reads and retries the ones that moved.
 */
export async function updateRefs(repo: GitRepo, updates: readonly RefUpdate[], message: string): Promise<'updated' | 'raced'> {
  if (updates.length === 0) return 'updated';
  const zero = zeroOid(repo);
  const input = updates.map((u) => (u.newOid === null ? `delete ${u.ref} ${u.oldOid ?? zero}\n` : `update ${u.ref} ${u.newOid} ${u.oldOid ?? zero}\n`)).join('');
  const result = await runGit(['update-ref', '-m', message, '--stdin'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, input, okExitCodes: [128] });
  if (result.exitCode === 0) return 'updated';
  if (/cannot lock ref|is at .* but expected|reference already exists|unable to resolve|\.lock'?: File exists|Unable to create/i.test(result.stderr)) return 'raced';
  throw new GitError(['git', 'update-ref', '--stdin'], result.exitCode, result.stderr);
}

/** The tips of the given refs now (null for a ref that does not exist), in one git process. */
export async function readRefs(repo: GitRepo, refs: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(refs.map((r) => [r, null]));
  if (refs.length === 0) return out;
  // for-each-ref takes patterns: an exact ref name matches itself (our names hold no glob
  // characters). In slices, to stay far below the limit on a command line's length.
  for (let i = 0; i < refs.length; i += 500) {
    const text = await git(['for-each-ref', '--format=%(objectname) %(refname)', ...refs.slice(i, i + 500)], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir } });
    for (const line of text.split('\n')) {
      const space = line.indexOf(' ');
      if (space === -1) continue;
      const ref = line.slice(space + 1);
      if (out.has(ref)) out.set(ref, line.slice(0, space));
    }
  }
  return out;
}

export class RefContentionError extends TraceError {}

export interface CasLoopOptions {
  readonly attempts?: number;
  readonly message: string;
}

/**
 * Build a new commit on top of the ref's current tip and swap it in, retrying on a lost race.
 * `build` gets the current tip (null when the ref is new) and returns the new commit, or null
 * when there is nothing to write. Returns the ref's tip afterwards.
 */
export async function updateRefWithRetry(
  repo: GitRepo,
  ref: string,
  build: (tip: string | null) => Promise<string | null>,
  options: CasLoopOptions,
): Promise<string | null> {
  const attempts = options.attempts ?? 50;
  let locked = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const tip = await readRef(repo, ref);
    const next = await build(tip);
    if (next === null || next === tip) return tip;
    const outcome = await compareAndSwapRef(repo, ref, next, tip, options.message);
    if (outcome === 'updated') return next;
    if (outcome === 'locked') locked++;
    // Back off a little, with jitter, so writers that collided do not collide again in step.
    await sleep(Math.min(200, 2 ** Math.min(attempt, 7)) * Math.random());
  }
  if (locked === attempts) {
    // Never moved, always locked: a lock file left by a git process that was killed.
    throw new RefContentionError(`cannot update '${ref}': its lock file stays in place`, {
      hint: `if no git process is running, remove '${join(repo.commonDir, `${ref}.lock`)}' and run the command again`,
    });
  }
  throw new RefContentionError(`cannot update '${ref}': it kept changing under ${attempts} attempts`, {
    hint: 'another process is writing this session; run the command again',
  });
}

/** Whether commit `a` is `b` or one of its ancestors. */
export async function isAncestor(repo: GitRepo, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const result = await runGit(['merge-base', '--is-ancestor', a, b], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1] });
  return result.exitCode === 0;
}
