// Talking to remotes: listing, fetching and pushing refs with explicit refspecs, one git process
// per operation whatever the number of refs. Never reads or writes remote.<name>.fetch/push
// config, so the user's own `git fetch` and `git push` behave as before.

import { TraceError } from '../lib/errors.js';
import { GitError, runGit } from './git.js';
import type { GitRepo } from './repo.js';

export class RemoteError extends TraceError {}

const NETWORK_TIMEOUT_MS = 120_000;

/**
 * Where git runs to reach a remote: the work tree's top, as plain `git push` does, so that a
 * relative URL (`../r.git`) means what it means to the user; in a bare repository, its folder.
 */
function remoteRun(repo: GitRepo): { cwd: string; env: Record<string, string>; timeoutMs: number } {
  return { cwd: repo.workTree ?? repo.gitDir, env: { GIT_DIR: repo.gitDir }, timeoutMs: NETWORK_TIMEOUT_MS };
}

function translate(remote: string, error: unknown): never {
  if (error instanceof GitError) {
    const reason = error.stderr.split('\n').map((l) => l.replace(/^fatal: /, '').trim()).find((l) => l !== '') ?? error.message;
    throw new RemoteError(`cannot reach remote '${remote}': ${reason}`, { hint: "check the remote's name or URL with 'git remote -v'", cause: error });
  }
  throw error;
}

/** Refs under `prefix` on the remote, as name → object id. */
export async function listRemoteRefs(repo: GitRepo, remote: string, prefix: string): Promise<Map<string, string>> {
  try {
    const result = await runGit(['ls-remote', '--refs', remote, `${prefix}*`], remoteRun(repo));
    const refs = new Map<string, string>();
    for (const line of result.stdout.toString('utf8').split('\n')) {
      const [oid, name] = line.split('\t');
      if (oid !== undefined && name !== undefined && name.startsWith(prefix)) refs.set(name, oid);
    }
    return refs;
  } catch (error) {
    return translate(remote, error);
  }
}

export async function fetchRefspecs(repo: GitRepo, remote: string, refspecs: readonly string[]): Promise<void> {
  if (refspecs.length === 0) return;
  try {
    await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', '--', remote, ...refspecs], remoteRun(repo));
  } catch (error) {
    translate(remote, error);
  }
}

export type PushStatus = 'pushed' | 'up-to-date' | 'rejected' | 'failed';

export interface PushedRef {
  readonly ref: string;
  readonly status: PushStatus;
  readonly reason?: string;
}

/** Push refspecs; a rejected ref (non-fast-forward) is reported, not thrown. */
export async function pushRefspecs(repo: GitRepo, remote: string, refspecs: readonly string[]): Promise<PushedRef[]> {
  if (refspecs.length === 0) return [];
  let out: string;
  try {
    const result = await runGit(['push', '--porcelain', '--no-verify', '--', remote, ...refspecs], { ...remoteRun(repo), okExitCodes: [1] });
    out = result.stdout.toString('utf8');
    if (result.exitCode === 1 && !/^[!*=+ -]\t/m.test(out)) translate(remote, new GitError(['push'], 1, result.stderr));
  } catch (error) {
    return translate(remote, error);
  }
  const pushed: PushedRef[] = [];
  for (const line of out.split('\n')) {
    const match = /^([!*=+ -])\t([^\t]*)\t(.*)$/.exec(line);
    if (match === null) continue;
    const [, flag, spec, summary] = match;
    const ref = (spec ?? '').split(':')[1] ?? spec ?? '';
    const status: PushStatus = flag === '=' ? 'up-to-date' : flag === '!' ? (/rejected/.test(summary ?? '') ? 'rejected' : 'failed') : 'pushed';
    pushed.push(status === 'rejected' || status === 'failed' ? { ref, status, reason: summary ?? '' } : { ref, status });
  }
  return pushed;
}
