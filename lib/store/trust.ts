// Who wrote what: signatures checked against the repository's recipients. Encryption gives
// secrecy, not authorship (anyone can encrypt to public keys), so:
//   - a session commit is trusted when signed by the signing key of a current recipient, or of
//     one who was a recipient in the accepted history of refs/opentraces/meta (a "former"
//     signer: a removed recipient's old sessions stay readable as theirs) and the commit is in
//     a session as it stood when they were removed (RecipientSet.retired): what a removed key
//     signs afterwards is untrusted;
//   - an unsigned session commit is "from before signing" only when the signed change that
//     first gave the recipients signing keys recorded it (RecipientSet.unsigned); any other
//     unsigned, unknown-signer or badly signed commit makes its session untrusted;
//   - a fetched change of recipients is accepted when each new meta commit is signed by a
//     recipient of the set it changes (its parents'), or only binds a signing key to an entry
//     that had none, signed by that very key (trust on first use, for repositories from before
//     signing). A first fetch into a repository with no recipients takes the remote's set; one
//     who ran 'init' before fetching holds a set of their own and must accept the team's
//     deliberately ('recipients accept'): nothing can tell that case from an outsider's.
// Every session commit is checked, not only the tip: a writer that appends on top of a forged
// commit does not launder it. A recipient removed before the record of retired keys existed
// has none: what their key signs still passes as "former" (NEEDSWORK: remove them again).

import type { GitHandle } from '../../refs/handle.js';
import { splitSignature } from '../../refs/commit-signature.js';
import { git } from '../../refs/git.js';
import { readRef } from '../../refs/ref-update.js';
import { GIT_NAMESPACE, verifySignature } from '../crypto/signing.js';
import { META_REF } from './layout.js';
import { mergeRetired, readSetAt, recipientLabel, type Recipient, type RecipientSet } from './recipients.js';

export type CommitSignature = { readonly kind: 'signed'; readonly key: string } | { readonly kind: 'unsigned' } | { readonly kind: 'bad' };

/** The key that validly signed the commit, or why there is none. */
export async function commitSignature(handle: GitHandle, oid: string): Promise<CommitSignature> {
  const object = await handle.reader.read(oid);
  if (object === null || object.type !== 'commit') return { kind: 'bad' };
  const { payload, signature } = splitSignature(object.data);
  if (signature === null) return { kind: 'unsigned' };
  const key = verifySignature(signature, payload, GIT_NAMESPACE);
  return key === null ? { kind: 'bad' } : { kind: 'signed', key };
}

/** What the readers of this repository trust, from its meta ref. */
export interface TrustContext {
  readonly current: ReadonlyMap<string, Recipient>;
  readonly former: ReadonlyMap<string, Recipient>;
  readonly unsigned: ReadonlyMap<string, string>;
  /** Removed signing keys: the session tips when they were removed. */
  readonly retired: RecipientSet['retired'];
}

export async function trustContext(handle: GitHandle): Promise<TrustContext> {
  const tip = await readRef(handle.repo, META_REF);
  const current = new Map<string, Recipient>();
  const former = new Map<string, Recipient>();
  if (tip === null) return { current, former, unsigned: new Map(), retired: new Map() };
  const set = await readSetAt(handle, tip);
  for (const r of set.recipients) if (r.signingKey !== undefined) current.set(r.signingKey, r);
  const history = (await git(['rev-list', tip], { cwd: handle.repo.gitDir, env: { GIT_DIR: handle.repo.gitDir } })).split('\n').filter((l) => l !== '');
  for (const oid of history.slice(1)) {
    for (const r of (await readSetAt(handle, oid)).recipients) {
      if (r.signingKey !== undefined && !current.has(r.signingKey) && !former.has(r.signingKey)) former.set(r.signingKey, r);
    }
  }
  return { current, former, unsigned: set.unsigned, retired: set.retired };
}

export type TrustState = 'trusted' | 'unsigned-before-signing' | 'untrusted';

export interface SessionTrust {
  readonly state: TrustState;
  /** Who signed its commits (recipient names). */
  readonly signers: readonly string[];
  /** Why it is untrusted, one line a commit. */
  readonly problems: readonly string[];
}

/**
 * Check the session's own commits (the first-parent chain from `tip`), stopping at `known`
 * (commits already checked and accepted, e.g. the local tip before a fetch).
 */
export async function sessionTrust(handle: GitHandle, ctx: TrustContext, id: string, tip: string, known: ReadonlySet<string> = new Set()): Promise<SessionTrust> {
  const legacy = await firstParentChain(handle, ctx.unsigned.get(id) ?? null);
  // Per removed key, the session's commits as they stood at the removal (read when needed).
  const retiredChains = new Map<string, Set<string>>();
  const signedBeforeRemoval = async (key: string, oid: string): Promise<boolean> => {
    const record = ctx.retired.get(key);
    if (record === undefined) return true; // removed before retired keys were recorded
    let chain = retiredChains.get(key);
    if (chain === undefined) {
      chain = await firstParentChain(handle, record.get(id) ?? null);
      retiredChains.set(key, chain);
    }
    return chain.has(oid);
  };
  const signers = new Set<string>();
  const problems: string[] = [];
  let before = false;
  for (let oid: string | undefined = tip; oid !== undefined && !known.has(oid); ) {
    const signature = await commitSignature(handle, oid);
    const short = oid.slice(0, 12);
    if (signature.kind === 'signed') {
      const who = ctx.current.get(signature.key) ?? ctx.former.get(signature.key);
      if (who === undefined) problems.push(`commit ${short} is signed by a key that is not a recipient's (${signature.key.slice(0, 30)}…)`);
      else if (ctx.current.has(signature.key)) signers.add(recipientLabel(who));
      else if (await signedBeforeRemoval(signature.key, oid)) signers.add(`${recipientLabel(who)} (former recipient)`);
      else problems.push(`commit ${short} is signed by ${recipientLabel(who)} after their removal from the recipients`);
    } else if (signature.kind === 'bad') problems.push(`commit ${short} has a signature that does not verify`);
    else if (legacy.has(oid)) before = true;
    else problems.push(`commit ${short} is not signed`);
    oid = (await handle.reader.readCommit(oid))?.parents[0];
  }
  const state: TrustState = problems.length > 0 ? 'untrusted' : before ? 'unsigned-before-signing' : 'trusted';
  return { state, signers: [...signers], problems };
}

async function firstParentChain(handle: GitHandle, tip: string | null): Promise<Set<string>> {
  const out = new Set<string>();
  for (let oid: string | undefined = tip ?? undefined; oid !== undefined && !out.has(oid); ) {
    out.add(oid);
    oid = (await handle.reader.readCommit(oid))?.parents[0];
  }
  return out;
}

/** One new commit of a fetched meta ref: what it changed, who signed it, whether it may. */
export interface RecipientsChange {
  readonly commit: string;
  readonly added: readonly Recipient[];
  readonly removed: readonly Recipient[];
  /** Entries given a (new) signing key. */
  readonly bound: readonly Recipient[];
  /** The record of sessions from before signing changed. */
  readonly unsignedChanged: boolean;
  /** Keys were added to the list of removed keys (which wins when sets are merged). */
  readonly removedListed: boolean;
  /** The record of removed keys' session tips changed. */
  readonly retiredChanged: boolean;
  /** The signer's name, `an unknown key`, or `nobody` (unsigned). */
  readonly signedBy: string;
  readonly accepted: boolean;
}

export interface RecipientsCheck {
  /** Whether the remote's recipients may be taken: every change in it is vouched for. */
  readonly accepted: boolean;
  /** Its commits that change something, oldest first. */
  readonly changes: readonly RecipientsChange[];
}

/**
 * Check the meta commits of `theirs` that `ours` lacks, oldest first, keeping for each the set
 * a reader may believe there: a commit signed by a recipient of what its parents may be
 * believed to hold (or binding its own signer's key, see isSelfBinding) is believed; any other
 * leaves the believed set as its parents had it. `theirs` is taken when what it holds is all
 * believed, so a change made by an outsider and later confirmed by a recipient passes, and one
 * no recipient signed does not, however many commits sit on top of it.
 */
export async function checkRecipientsChanges(handle: GitHandle, ours: string | null, theirs: string): Promise<RecipientsCheck> {
  const range = ours === null ? [theirs] : [theirs, `^${ours}`];
  const commits = (await git(['rev-list', '--topo-order', '--reverse', ...range], { cwd: handle.repo.gitDir, env: { GIT_DIR: handle.repo.gitDir } })).split('\n').filter((l) => l !== '');
  const believed = new Map<string, RecipientSet>();
  const ourSet = ours === null ? null : await readSetAt(handle, ours);
  const believedAt = async (oid: string): Promise<RecipientSet> => believed.get(oid) ?? (await readSetAt(handle, oid));
  const changes: RecipientsChange[] = [];
  const firstFetch = ourSet === null;
  for (const oid of commits) {
    const parents = (await handle.reader.readCommit(oid))?.parents ?? [];
    const parentSets = await Promise.all(parents.map(believedAt));
    const base = unionOf(parentSets.length > 0 ? parentSets : ourSet === null ? [] : [ourSet]);
    const after = await readSetAt(handle, oid);
    const signature = await commitSignature(handle, oid);
    const known = signature.kind === 'signed' ? base.recipients.find((r) => r.signingKey === signature.key) : undefined;
    // A key the change itself binds says nothing about who made it: name it as such.
    const claimed = signature.kind === 'signed' ? after.recipients.find((r) => r.signingKey === signature.key) : undefined;
    const byRecipient = known !== undefined;
    const diff = diffSets(base, after);
    const vouched = firstFetch || byRecipient || (signature.kind === 'signed' && isSelfBinding(base, diff, signature.key)) || isNoChange(diff);
    believed.set(oid, vouched ? after : base);
    if (isNoChange(diff)) continue;
    const signedBy =
      signature.kind !== 'signed' ? 'nobody' : known !== undefined ? recipientLabel(known) : claimed !== undefined ? `the key it gives ${recipientLabel(claimed)}` : 'an unknown key';
    changes.push({ ...diff, commit: oid, signedBy, accepted: vouched });
  }
  const final = await readSetAt(handle, theirs);
  const accepted = isNoChange(diffSets(await believedAt(theirs), final));
  return { accepted, changes };
}

/** The recipients of several sets, by key (the first set's entry wins), and their records. */
function unionOf(sets: readonly RecipientSet[]): RecipientSet {
  const recipients = new Map<string, Recipient>();
  const removed = new Set<string>();
  const unsigned = new Map<string, string>();
  let retired: RecipientSet['retired'] = new Map();
  for (const set of sets) {
    for (const r of set.recipients) if (!recipients.has(r.key)) recipients.set(r.key, r);
    for (const key of set.removed) removed.add(key);
    for (const [id, oid] of set.unsigned) if (!unsigned.has(id)) unsigned.set(id, oid);
    retired = mergeRetired(retired, set.retired);
  }
  return { recipients: [...recipients.values()], removed: [...removed], unsigned, retired };
}

interface SetDiff {
  readonly added: readonly Recipient[];
  readonly removed: readonly Recipient[];
  readonly bound: readonly Recipient[];
  readonly unsignedChanged: boolean;
  readonly removedListed: boolean;
  /** The record of removed keys' session tips changed. */
  readonly retiredChanged: boolean;
}

function diffSets(before: RecipientSet, after: RecipientSet): SetDiff {
  const old = new Map(before.recipients.map((r) => [r.key, r]));
  const now = new Map(after.recipients.map((r) => [r.key, r]));
  return {
    added: after.recipients.filter((r) => !old.has(r.key)),
    removed: before.recipients.filter((r) => !now.has(r.key)),
    bound: after.recipients.filter((r) => old.has(r.key) && old.get(r.key)?.signingKey !== r.signingKey),
    unsignedChanged: [...after.unsigned].some(([id, oid]) => before.unsigned.get(id) !== oid) || [...before.unsigned.keys()].some((id) => !after.unsigned.has(id)),
    removedListed: after.removed.some((key) => !before.removed.includes(key)),
    retiredChanged: formatKey(before.retired) !== formatKey(after.retired),
  };
}

function formatKey(retired: RecipientSet['retired']): string {
  return JSON.stringify([...retired].map(([key, tips]) => [key, [...tips].sort()]).sort());
}

function isNoChange(diff: SetDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.bound.length === 0 && !diff.unsignedChanged && !diff.removedListed && !diff.retiredChanged;
}

/**
 * Only a signing key bound to one entry that had none, signed by that key; with the record of
 * sessions from before signing only when no entry had a signing key yet (signing begins).
 */
function isSelfBinding(before: RecipientSet, diff: SetDiff, key: string): boolean {
  if (diff.added.length > 0 || diff.removed.length > 0 || diff.bound.length !== 1) return false;
  if (diff.removedListed || diff.retiredChanged || (diff.unsignedChanged && before.recipients.some((r) => r.signingKey !== undefined))) return false;
  const entry = diff.bound[0];
  const old = before.recipients.find((r) => r.key === entry?.key);
  return entry?.signingKey === key && old !== undefined && old.signingKey === undefined;
}

/** "bob added carol, signed by bob" and the like, one line a change. */
export function describeChange(change: RecipientsChange): string {
  const parts = [
    ...change.added.map((r) => `added ${recipientLabel(r)}`),
    ...change.removed.map((r) => `removed ${recipientLabel(r)}`),
    ...change.bound.map((r) => `bound a signing key to ${recipientLabel(r)}`),
  ];
  if (change.unsignedChanged) parts.push('recorded the sessions from before signing');
  if (change.retiredChanged && change.removed.length === 0) parts.push("recorded a removed key's sessions");
  // A key listed as removed wins when sets merge: a way to drop a recipient later.
  if (change.removedListed && change.removed.length === 0) parts.push('listed a key as removed');
  return `${parts.join(', ')}; signed by ${change.signedBy}`;
}
