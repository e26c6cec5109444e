// Tombstones crossing remotes (lib/store/tombstone.ts says what one is).
//
// fetch: the remote's refs/opentraces/forgotten/* land in refs/opentraces/remotes/<remote>/
// forgotten/*; each one we lack is taken when signed by a current recipient: the session is
// forgotten here too (its ref, its remote copies, its spool and checkpoints go; the catalog drops
// its rows on its next refresh). One not so signed is refused: the session stays, the remote's
// tombstone stays under remotes/<remote>/forgotten/<id> and is reported at every fetch until a
// recipient forgets the session ('git trace forget ID' signs a tombstone of one's own). Sessions
// we hold a tombstone for are not fetched at all (negative refspecs).
// push: our tombstones the remote lacks go; a session we forgot is deleted on the remote.

import { listRefs, readRef, updateRefs } from '../../refs/ref-update.js';
import { applyForget, planForget } from '../forget/forget.js';
import { FORGOTTEN_PREFIX, forgottenRef, sessionRef } from '../store/layout.js';
import { checkTombstone } from '../store/tombstone.js';
import type { TrustContext } from '../store/trust.js';
import type { TraceRepo } from '../trace-repo.js';

export interface FetchedTombstone {
  readonly id: string;
  /** forgotten: the session was here and is gone; recorded: it was not here; refused: see reason. */
  readonly result: 'forgotten' | 'recorded' | 'refused';
  readonly signedBy?: string;
  readonly reason?: string;
}

/** Refspecs that keep the remote's copies of sessions forgotten here from being fetched. */
export function skipForgotten(forgotten: ReadonlySet<string>, remoteRefs: ReadonlyMap<string, string>): string[] {
  return [...forgotten].filter((id) => remoteRefs.has(sessionRef(id))).map((id) => `^${sessionRef(id)}`);
}

/** Take the tombstones fetched under `prefix` that we lack, each as its signature allows. */
export async function integrateTombstones(repo: TraceRepo, prefix: string, trust: TrustContext): Promise<FetchedTombstone[]> {
  const out: FetchedTombstone[] = [];
  for (const tip of await listRefs(repo.git.repo, `${prefix}forgotten/`)) {
    const id = tip.ref.slice(`${prefix}forgotten/`.length);
    if ((await readRef(repo.git.repo, forgottenRef(id))) !== null) continue;
    const check = await checkTombstone(repo.git, trust, id, tip.oid);
    if (check.kind === 'refused') {
      out.push({ id, result: 'refused', reason: check.reason });
      continue;
    }
    const plan = await planForget(repo, id, null);
    await applyForget(repo, plan, tip.oid, null);
    out.push({ id, result: plan.refs.some((r) => r.ref === sessionRef(id)) ? 'forgotten' : 'recorded', signedBy: check.signedBy });
  }
  return out;
}

/** Drop copies of forgotten sessions a remote still had (fetched before we forgot them). */
export async function dropForgottenCopies(repo: TraceRepo, prefix: string, forgotten: ReadonlySet<string>): Promise<void> {
  const stale = (await listRefs(repo.git.repo, `${prefix}sessions/`)).filter((r) => forgotten.has(r.ref.slice(`${prefix}sessions/`.length)));
  if (stale.length === 0) return;
  // A copy that moved meanwhile is left for the next fetch.
  await updateRefs(repo.git.repo, stale.map((r) => ({ ref: r.ref, newOid: null, oldOid: r.oid })), 'git-trace: forget');
}

/** What a push sends for tombstones: ours the remote lacks, and deletions of what we forgot. */
export function tombstoneRefspecs(forgotten: ReadonlySet<string>, remoteRefs: ReadonlyMap<string, string>): { readonly refspecs: string[]; readonly deletes: string[] } {
  const refspecs: string[] = [];
  const deletes: string[] = [];
  for (const id of forgotten) {
    if (!remoteRefs.has(forgottenRef(id))) refspecs.push(`${forgottenRef(id)}:${forgottenRef(id)}`);
    if (remoteRefs.has(sessionRef(id))) deletes.push(sessionRef(id));
  }
  return { refspecs: [...refspecs, ...deletes.map((ref) => `:${ref}`)], deletes };
}

/** Tombstones on the remote that we have not taken (or refused) yet. */
export function hasNewTombstones(remoteRefs: ReadonlyMap<string, string>, forgotten: ReadonlySet<string>): boolean {
  return [...remoteRefs.keys()].some((ref) => ref.startsWith(FORGOTTEN_PREFIX) && !forgotten.has(ref.slice(FORGOTTEN_PREFIX.length)));
}
