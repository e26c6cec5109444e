// Tombstones: what 'git trace forget' leaves so that nothing brings a forgotten session back.
//
//   refs/opentraces/forgotten/<id>   a commit with no parent and the empty tree, signed by its
//                                    writer; its message names the session (a trailer, inside
//                                    the signed bytes, so a tombstone cannot be moved to another
//                                    id's ref) and its committer time says when.
//
// No session content: the id is public already (it is a ref name) and the time is a timestamp.
// A tombstone is immutable: forgetting again writes nothing. Who may forget is a reader's
// question, answered here against the repository's recipients: only a current recipient's
// signature makes a fetched tombstone delete anything (an outsider with push access could
// otherwise delete everyone's sessions). Writers (import, flush, fetch, the catalog's repair of
// deleted refs) check isForgotten before they create a session ref.

import type { CommitSigner } from '../../refs/commit-signature.js';
import type { GitHandle } from '../../refs/handle.js';
import { listRefs, readRefs } from '../../refs/ref-update.js';
import type { GitRepo } from '../../refs/repo.js';
import { recipientLabel } from './recipients.js';
import { commitMessage, FORGOTTEN_PREFIX, forgottenRef } from './layout.js';
import { commitSignature, type TrustContext } from './trust.js';

const TRAILER = 'Opentraces-Forgotten';

/** Write (not yet point a ref at) the signed tombstone of session `id`; its commit id. */
export async function writeTombstone(handle: GitHandle, id: string, signer: CommitSigner): Promise<string> {
  const tree = await handle.writer.writeTree([]);
  return handle.writer.writeCommit({ tree, parents: [], message: `${commitMessage('forget')}${TRAILER}: ${id}\n`, signer });
}

/** The ids of every forgotten session here. */
export async function forgottenIds(repo: GitRepo): Promise<Set<string>> {
  return new Set((await listRefs(repo, FORGOTTEN_PREFIX)).map((r) => r.ref.slice(FORGOTTEN_PREFIX.length)));
}

/** Which of `ids` have a tombstone here, in one git process. */
export async function forgottenAmong(repo: GitRepo, ids: readonly string[]): Promise<Set<string>> {
  const tips = await readRefs(repo, ids.map(forgottenRef));
  return new Set(ids.filter((id) => tips.get(forgottenRef(id)) !== null));
}

export async function isForgotten(repo: GitRepo, id: string): Promise<boolean> {
  return (await forgottenAmong(repo, [id])).size > 0;
}

export type TombstoneCheck =
  | { readonly kind: 'accepted'; readonly signedBy: string; readonly at: string | null }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * May the tombstone `oid`, found at the ref of session `id`, forget that session here? Only when
 * it names `id`, holds nothing, and is signed by a current recipient (a former one no longer
 * speaks for the repository).
 */
export async function checkTombstone(handle: GitHandle, trust: TrustContext, id: string, oid: string): Promise<TombstoneCheck> {
  const object = await handle.reader.read(oid);
  if (object === null || object.type !== 'commit') return { kind: 'refused', reason: 'it is not a commit' };
  const parsed = parseTombstone(object.data);
  if (parsed.id !== id) return { kind: 'refused', reason: parsed.id === null ? 'it names no session' : `it names another session ('${parsed.id}')` };
  if (parsed.hasParents || !(await isEmptyTree(handle, parsed.tree))) return { kind: 'refused', reason: 'it is not a tombstone (it has content or history)' };
  const signature = await commitSignature(handle, oid);
  if (signature.kind === 'unsigned') return { kind: 'refused', reason: 'it is not signed' };
  if (signature.kind === 'bad') return { kind: 'refused', reason: 'its signature does not verify' };
  const who = trust.current.get(signature.key);
  if (who === undefined) return { kind: 'refused', reason: `it is signed by a key that is not a current recipient's (${signature.key.slice(0, 30)}…)` };
  return { kind: 'accepted', signedBy: recipientLabel(who), at: parsed.at };
}

interface ParsedTombstone {
  readonly id: string | null;
  readonly tree: string;
  readonly hasParents: boolean;
  /** The committer time, ISO. */
  readonly at: string | null;
}

function parseTombstone(data: Buffer): ParsedTombstone {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const headers = (end === -1 ? text : text.slice(0, end)).split('\n');
  const message = end === -1 ? '' : text.slice(end + 2);
  const tree = headers.find((l) => l.startsWith('tree '))?.slice(5) ?? '';
  const seconds = /^committer .* (\d+) [+-]\d{4}$/.exec(headers.find((l) => l.startsWith('committer ')) ?? '')?.[1];
  const named = message.split('\n').filter((l) => l.startsWith(`${TRAILER}: `));
  return {
    id: named.length === 1 ? (named[0]?.slice(TRAILER.length + 2) ?? null) : null,
    tree,
    hasParents: headers.some((l) => l.startsWith('parent ')),
    at: seconds === undefined ? null : new Date(Number(seconds) * 1000).toISOString(),
  };
}

async function isEmptyTree(handle: GitHandle, tree: string): Promise<boolean> {
  const entries = await handle.reader.readTree(tree);
  return entries !== null && entries.length === 0;
}
