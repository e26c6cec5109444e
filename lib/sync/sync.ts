// Sharing sessions through the git remotes a team already trusts.
//
// fetch: the remote's refs/opentraces/{sessions/*,meta} land in refs/opentraces/remotes/<remote>/…
// (copies, never the local refs), then each is integrated: a session new here is created, one
// that only moved on the remote is fast-forwarded, one that grew on both sides is merged (union
// of steps by id, a merge commit with the remote copy as second parent). A local ref is never
// overwritten. push: only refs/opentraces/sessions/* and meta, after checking that every object
// it would send is ciphertext (or public keys); a rejected ref (the remote moved) is fetched,
// merged and pushed again, a bounded number of times, so nothing on the remote is ever dropped.
//
// Trust (lib/store/trust.ts): a change of recipients not signed by a current recipient is not
// taken: the local meta ref stays, the remote's copy stays under remotes/<remote>/meta until
// 'git trace recipients accept' takes it deliberately. A fetched session whose new commits are
// not signed by a recipient is taken when it only adds to ours (and reported as untrusted), but
// never merged into ours: a merge we sign would vouch for it.
//
// Forgotten sessions (tombstones, lib/sync/tombstones.ts): fetch takes a tombstone signed by a
// current recipient and forgets the session here, refuses and reports any other; push sends our
// tombstones and deletes the sessions we forgot from the remote.

import { createHash } from 'node:crypto';
import { git, runGit } from '../../refs/git.js';
import { compareAndSwapRef, isAncestor, listRefs, readRef } from '../../refs/ref-update.js';
import { fetchRefspecs, listRemoteRefs, pushRefspecs, RemoteError, type PushedRef } from '../../refs/remote.js';
import { TraceError } from '../errors.js';
import type { Step } from '../model/step.js';
import { FORGOTTEN_PREFIX, META_REF, SESSIONS_PREFIX, sessionRef, TRACE_NAMESPACE } from '../store/layout.js';
import { forgottenIds } from '../store/tombstone.js';
import { mergeRecipientsRef } from '../store/recipients.js';
import { checkRecipientsChanges, sessionTrust, trustContext, type RecipientsChange, type TrustContext, type TrustState } from '../store/trust.js';
import type { TraceRepo } from '../trace-repo.js';
import { checkOutgoing } from './outgoing.js';
import { dropForgottenCopies, hasNewTombstones, integrateTombstones, skipForgotten, tombstoneRefspecs, type FetchedTombstone } from './tombstones.js';
import { readRepoConfig } from '../repo-config.js';

export class PushRefusedError extends TraceError {}

/** The remote named by the user, else `trace.remote` from git config, else `origin`. */
export async function resolveRemote(repo: TraceRepo, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  return (await readRepoConfig(repo.git.repo)).remote ?? 'origin';
}

/** Where a remote's copies live: its name, or a stable short name for a URL or path. */
export function trackingPrefix(remote: string): string {
  const safe = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(remote) && !remote.includes('..') ? remote : `url-${createHash('sha256').update(remote).digest('hex').slice(0, 12)}`;
  return `${TRACE_NAMESPACE}remotes/${safe}/`;
}

export type Integration = 'created' | 'fast-forwarded' | 'merged' | 'up-to-date' | 'kept-local' | 'unreadable' | 'kept-untrusted';

export interface FetchedSession {
  readonly id: string;
  readonly result: Integration;
  readonly reason?: string;
  /** Whether the commits this fetch brought are signed by recipients (absent when it brought none). */
  readonly trust?: TrustState;
  readonly problems?: readonly string[];
}

export interface FetchResult {
  readonly remote: string;
  readonly sessions: readonly FetchedSession[];
  /** The remote's tombstones this fetch took or refused (lib/sync/tombstones.ts). */
  readonly tombstones: readonly FetchedTombstone[];
  readonly recipients: Integration | 'none' | 'refused';
  /** The remote's changes of recipients this fetch saw, oldest first. */
  readonly recipientChanges: readonly RecipientsChange[];
}

export async function fetchSessions(repo: TraceRepo, remote: string): Promise<FetchResult> {
  const handle = repo.git;
  const prefix = trackingPrefix(remote);
  const remoteRefs = await listRemoteRefs(handle.repo, remote, TRACE_NAMESPACE);
  const hasSessions = [...remoteRefs.keys()].some((r) => r.startsWith(SESSIONS_PREFIX));
  const hasTombstones = [...remoteRefs.keys()].some((r) => r.startsWith(FORGOTTEN_PREFIX));
  const refspecs = [
    ...(hasSessions ? [`+${SESSIONS_PREFIX}*:${prefix}sessions/*`, ...skipForgotten(await forgottenIds(handle.repo), remoteRefs)] : []),
    ...(remoteRefs.has(META_REF) ? [`+${META_REF}:${prefix}meta`] : []),
    ...(hasTombstones ? [`+${FORGOTTEN_PREFIX}*:${prefix}forgotten/*`] : []),
  ];
  await fetchRefspecs(handle.repo, remote, refspecs);
  const meta = remoteRefs.has(META_REF) ? await integrateMeta(repo, `${prefix}meta`, false) : { result: 'none' as const, changes: [] };
  const trust = await trustContext(handle);
  // Tombstones before sessions: a session forgotten by a recipient is not brought back.
  const tombstones = await integrateTombstones(repo, prefix, trust);
  const forgotten = await forgottenIds(handle.repo);
  await dropForgottenCopies(repo, prefix, forgotten);
  const sessions: FetchedSession[] = [];
  for (const tip of await listRefs(handle.repo, `${prefix}sessions/`)) {
    const id = tip.ref.slice(`${prefix}sessions/`.length);
    if (forgotten.has(id)) continue;
    try {
      sessions.push({ id, ...(await integrateSession(repo, trust, id, tip.oid)) });
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      sessions.push({ id, result: 'unreadable', reason: error.message });
    }
  }
  return { remote, sessions, tombstones, recipients: meta.result, recipientChanges: meta.changes };
}

export interface MetaIntegration {
  readonly result: Integration | 'refused';
  readonly changes: readonly RecipientsChange[];
}

/**
 * Take the remote's recipients (kept at `trackingRef`) when every change is signed by a
 * recipient; `deliberately`: take them whoever signed (what 'recipients accept' does).
 */
export async function integrateMeta(repo: TraceRepo, trackingRef: string, deliberately: boolean): Promise<MetaIntegration> {
  const theirs = await readRef(repo.git.repo, trackingRef);
  if (theirs === null) return { result: 'up-to-date', changes: [] };
  const ours = await readRef(repo.git.repo, META_REF);
  const signer = await repo.keys.signer();
  const check = await checkRecipientsChanges(repo.git, ours, theirs);
  if (!deliberately && !check.accepted) return { result: 'refused', changes: check.changes };
  return { result: await mergeRecipientsRef(repo.git, theirs, signer), changes: check.changes };
}

/** Bring a fetched copy of a session into the local ref without ever losing a local step. */
async function integrateSession(repo: TraceRepo, trust: TrustContext, id: string, theirs: string): Promise<Omit<FetchedSession, 'id'>> {
  const gitRepo = repo.git.repo;
  const ref = sessionRef(id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const ours = await readRef(gitRepo, ref);
    if (ours !== null && (await isAncestor(gitRepo, theirs, ours))) return { result: 'up-to-date' };
    const checked = await sessionTrust(repo.git, trust, id, theirs, ours === null ? new Set() : await firstParents(repo, ours));
    const marks = { trust: checked.state, ...(checked.problems.length > 0 ? { problems: checked.problems } : {}) };
    if (ours === null) {
      if ((await compareAndSwapRef(gitRepo, ref, theirs, null, 'git-trace: fetch')) === 'updated') return { result: 'created', ...marks };
      continue;
    }
    if (await isAncestor(gitRepo, ours, theirs)) {
      if ((await compareAndSwapRef(gitRepo, ref, theirs, ours, 'git-trace: fetch (fast-forward)')) === 'updated') return { result: 'fast-forwarded', ...marks };
      continue;
    }
    if (checked.state === 'untrusted') return { result: 'kept-untrusted', ...marks };
    // Both sides grew: add their steps that we lack to ours, in a merge flush.
    const local = await repo.sessions.readAt(id, ours);
    const remote = await repo.sessions.readAt(id, theirs);
    const context = await repo.sessions.readContext(id, theirs);
    const steps = stepsToTake(local.steps, remote.steps);
    const { v: _v, ...info } = remote.meta.session;
    await repo.sessions.append(info, steps, context, { mergeParent: theirs });
    return { result: 'merged', ...marks };
  }
  throw new RemoteError(`session '${id}' kept changing while it was merged`, { hint: "run 'git trace fetch' again" });
}

async function firstParents(repo: TraceRepo, tip: string): Promise<Set<string>> {
  const out = (await git(['rev-list', '--first-parent', tip], { cwd: repo.git.repo.gitDir, env: { GIT_DIR: repo.git.repo.gitDir } })).split('\n');
  return new Set(out.filter((l) => l !== ''));
}

/**
 * Their steps that ours lack, and their versions of steps we hold in a less complete form (a
 * tool call still pending here but finished there). For other differences, ours stays.
 */
export function stepsToTake(ours: readonly Step[], theirs: readonly Step[]): Step[] {
  const mine = new Map(ours.map((s) => [s.id, s]));
  return theirs
    .filter((step) => {
      const local = mine.get(step.id);
      if (local === undefined) return true;
      return local.kind === 'tool' && step.kind === 'tool' && local.tool.status === 'pending' && step.tool.status !== 'pending';
    })
    .map((step) => {
      const { index: _index, ...plain } = step as Step & { index?: number };
      return plain as Step;
    });
}

export interface PushResult {
  readonly remote: string;
  readonly refs: readonly PushedRef[];
  /** Session refs deleted on the remote: sessions forgotten here. */
  readonly deleted: readonly string[];
  /** How many times a rejection sent us back to fetch and merge. */
  readonly retries: number;
}

const PUSH_ATTEMPTS = 4;

export async function pushSessions(repo: TraceRepo, remote: string): Promise<PushResult> {
  const gitRepo = repo.git.repo;
  const prefix = trackingPrefix(remote);
  for (let attempt = 0; attempt < PUSH_ATTEMPTS; attempt++) {
    const problems = await checkOutgoing(repo, prefix);
    if (problems.length > 0) {
      throw new PushRefusedError(`refusing to push to '${remote}': ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
        hint: "only encrypted records may leave; run 'git trace verify' to find the damaged session",
      });
    }
    const hasMeta = (await readRef(gitRepo, META_REF)) !== null;
    let remoteRefs = await listRemoteRefs(gitRepo, remote, TRACE_NAMESPACE);
    // Take the remote's tombstones first, so a session a recipient forgot is not pushed back.
    if (hasNewTombstones(remoteRefs, await forgottenIds(gitRepo))) {
      await fetchSessions(repo, remote);
      remoteRefs = await listRemoteRefs(gitRepo, remote, TRACE_NAMESPACE);
    }
    const forgotten = tombstoneRefspecs(await forgottenIds(gitRepo), remoteRefs);
    const refspecs = [`${SESSIONS_PREFIX}*:${SESSIONS_PREFIX}*`, ...(hasMeta ? [`${META_REF}:${META_REF}`] : []), ...forgotten.refspecs];
    const refs = await pushRefspecs(gitRepo, remote, refspecs);
    await recordPushed(repo, prefix, refs);
    const failed = refs.filter((r) => r.status === 'failed');
    if (failed.length > 0) throw new RemoteError(`the remote refused '${failed[0]?.ref}': ${failed[0]?.reason ?? ''}`, { hint: 'check your access to the remote' });
    if (!refs.some((r) => r.status === 'rejected')) {
      const deleted = forgotten.deletes.filter((ref) => refs.some((r) => r.ref === ref && r.status === 'pushed'));
      return { remote, refs, deleted, retries: attempt };
    }
    const fetched = await fetchSessions(repo, remote);
    if (fetched.recipients === 'refused') {
      throw new PushRefusedError(`cannot push '${META_REF}' to '${remote}': the remote's recipients hold a change not signed by a current recipient`, {
        hint: `see it with 'git trace fetch ${remote}'; take it deliberately with 'git trace recipients accept ${remote}'`,
      });
    }
  }
  throw new RemoteError(`the remote '${remote}' kept moving while we pushed`, { hint: "run 'git trace sync' again" });
}

/** After a push, our copy of the remote's refs is what we just sent. */
async function recordPushed(repo: TraceRepo, prefix: string, refs: readonly PushedRef[]): Promise<void> {
  const updates: string[] = [];
  for (const pushed of refs) {
    if (pushed.status !== 'pushed' && pushed.status !== 'up-to-date') continue;
    const local = await readRef(repo.git.repo, pushed.ref);
    if (local === null) continue;
    updates.push(`update ${prefix}${pushed.ref.slice(TRACE_NAMESPACE.length)} ${local}`);
  }
  if (updates.length === 0) return;
  await runGit(['update-ref', '--stdin'], { cwd: repo.git.repo.gitDir, env: { GIT_DIR: repo.git.repo.gitDir }, input: `${updates.join('\n')}\n` });
}
