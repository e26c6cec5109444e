// The repository's recipients: the age public keys every new record is encrypted to, kept under
// refs/opentraces/meta so they travel with the refs. Public keys only: nothing secret is here.
//
//   refs/opentraces/meta: recipients   "age1… [ssh-ed25519 AAAA…] name" per line: the age key a
//                                      person reads with and, since signing, the key they sign
//                                      with (an entry without one is from before signing)
//                         removed      keys taken out (so a merge with an older copy does not
//                                      bring them back: in a merge, a removal wins)
//                         unsigned     "<session id> <commit>" per line: the unsigned session
//                                      tips that existed when the repository's recipients first
//                                      got signing keys, vouched for by that signed commit
//                         retired      per removed signing key, a line "ssh-ed25519 AAAA…" then
//                                      "<session id> <commit>" lines: the session tips when its
//                                      owner was removed; what that key signed later is not
//                                      trusted (readers cannot otherwise date a signature)
//                         format       the format version
//
// Every commit on the meta ref is signed by its writer when they have a signing key; which
// changes a reader accepts is lib/store/trust.ts's rule. Removing a recipient cannot take back
// what was already fetched or pushed to them.

import type { CommitSigner } from '../../refs/commit-signature.js';
import type { GitHandle } from '../../refs/handle.js';
import { compareAndSwapRef, isAncestor, listRefs, readRef, updateRefWithRetry } from '../../refs/ref-update.js';
import { editTree } from '../../refs/tree-edit.js';
import { isSigningPublicKey } from '../crypto/signing.js';
import { NotFoundError, UsageError } from '../errors.js';
import { commitMessage, FORMAT_VERSION, META_REF, SESSIONS_PREFIX } from './layout.js';

export interface Recipient {
  readonly key: string;
  readonly name?: string;
  /** `ssh-ed25519 AAAA…`: the key this person signs with; absent in entries from before signing. */
  readonly signingKey?: string;
}

export interface RecipientSet {
  readonly recipients: readonly Recipient[];
  readonly removed: readonly string[];
  /** Session id to the unsigned tip vouched for when signing began (see the file's notes). */
  readonly unsigned: ReadonlyMap<string, string>;
  /** Removed signing key to the session tips when it was removed (session id to commit). */
  readonly retired: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Who signs a change of recipients; null: unsigned (the writer has no signing key). */
export interface WriteOptions {
  readonly signer: CommitSigner | null;
  /** The session tips of the repository, for the record kept when signing begins. */
  readonly sessionTips?: () => Promise<ReadonlyMap<string, { readonly oid: string; readonly signed: boolean }>>;
}

const RECIPIENTS_FILE = 'recipients';
const REMOVED_FILE = 'removed';
const UNSIGNED_FILE = 'unsigned';
const RETIRED_FILE = 'retired';
const FORMAT_FILE = 'format';
const EMPTY: RecipientSet = { recipients: [], removed: [], unsigned: new Map(), retired: new Map() };

export function isRecipientKey(key: string): boolean {
  return /^age1[02-9ac-hj-np-z]{58}$/.test(key);
}

export function parseRecipients(text: string): Recipient[] {
  const out: Recipient[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === undefined || !isRecipientKey(key)) continue;
    const signingKey = rest.length >= 2 ? `${rest[0]} ${rest[1]}` : '';
    const signed = isSigningPublicKey(signingKey);
    const name = signed ? rest.slice(2) : rest;
    out.push({ key, ...(name.length > 0 ? { name: name.join(' ') } : {}), ...(signed ? { signingKey } : {}) });
  }
  return out;
}

export function formatRecipients(recipients: readonly Recipient[]): string {
  return recipients.map((r) => [r.key, r.signingKey, r.name].filter((part) => part !== undefined).join(' ')).join('\n') + '\n';
}

/** How a recipient is named in messages: its name, else the start of its key. */
export function recipientLabel(r: Recipient): string {
  return r.name ?? `${r.key.slice(0, 12)}…`;
}

export async function readRecipients(handle: GitHandle): Promise<Recipient[]> {
  const tip = await readRef(handle.repo, META_REF);
  return tip === null ? [] : [...(await readSetAt(handle, tip)).recipients];
}

/** The recipients as the meta commit `commit` holds them. */
export async function readSetAt(handle: GitHandle, commit: string): Promise<RecipientSet> {
  const parsed = await handle.reader.readCommit(commit);
  if (parsed === null) return EMPTY;
  const entries = (await handle.reader.readTree(parsed.tree)) ?? [];
  const read = async (name: string): Promise<string> => {
    const entry = entries.find((e) => e.name === name && e.type === 'blob');
    return entry === undefined ? '' : ((await handle.reader.readBlob(entry.oid))?.toString('utf8') ?? '');
  };
  return {
    recipients: parseRecipients(await read(RECIPIENTS_FILE)),
    removed: parseRecipients(await read(REMOVED_FILE)).map((r) => r.key),
    unsigned: parseUnsigned(await read(UNSIGNED_FILE)),
    retired: parseRetired(await read(RETIRED_FILE)),
  };
}

function parseRetired(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let tips: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (isSigningPublicKey(line)) {
      tips = out.get(line) ?? new Map<string, string>();
      out.set(line, tips);
      continue;
    }
    const [id, oid] = line.split(' ');
    if (tips !== null && id !== undefined && oid !== undefined && /^[0-9a-f]{40,64}$/.test(oid)) tips.set(id, oid);
  }
  return out;
}

function formatRetired(retired: RecipientSet['retired']): string {
  return [...retired].map(([key, tips]) => `${key}\n${[...tips].map(([id, oid]) => `${id} ${oid}\n`).join('')}`).join('');
}

/** Is this the text of a `retired` file (what push lets through)? */
export function isRetiredList(text: string): boolean {
  return text.split('\n').every((line) => line === '' || isSigningPublicKey(line) || /^\S+ [0-9a-f]{40,64}$/.test(line));
}

/** Two records of retired keys as one: every key of either, every tip of either (the first's wins). */
export function mergeRetired(a: RecipientSet['retired'], b: RecipientSet['retired']): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const record of [b, a]) for (const [key, tips] of record) out.set(key, new Map([...(out.get(key) ?? []), ...tips]));
  return out;
}

function parseUnsigned(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [id, oid] = line.trim().split(' ');
    if (id !== undefined && oid !== undefined && /^[0-9a-f]{40,64}$/.test(oid)) out.set(id, oid);
  }
  return out;
}

/** Is this the text of an `unsigned` file (what push lets through)? */
export function isUnsignedList(text: string): boolean {
  return text.split('\n').every((line) => line === '' || /^\S+ [0-9a-f]{40,64}$/.test(line));
}

async function writeSet(handle: GitHandle, set: RecipientSet, parents: readonly string[], what: string, signer: CommitSigner | null): Promise<string> {
  const base = parents[0] === undefined ? null : await handle.reader.readCommit(parents[0]);
  const files = new Map([
    [RECIPIENTS_FILE, await handle.writer.writeBlob(formatRecipients(set.recipients))],
    [FORMAT_FILE, await handle.writer.writeBlob(`${FORMAT_VERSION}\n`)],
  ]);
  if (set.removed.length > 0) files.set(REMOVED_FILE, await handle.writer.writeBlob(formatRecipients(set.removed.map((key) => ({ key })))));
  if (set.unsigned.size > 0) files.set(UNSIGNED_FILE, await handle.writer.writeBlob([...set.unsigned].map(([id, oid]) => `${id} ${oid}\n`).join('')));
  if (set.retired.size > 0) files.set(RETIRED_FILE, await handle.writer.writeBlob(formatRetired(set.retired)));
  const tree = await editTree(handle.reader, handle.writer, base?.tree ?? null, files);
  return handle.writer.writeCommit({ tree, parents, message: commitMessage(what), signer });
}

/**
 * When a signed change first gives the recipients signing keys, the sessions already stored
 * are unsigned: their tips are recorded in that change, so readers tell them from forgeries
 * made later. Whoever makes that change vouches for them.
 */
async function withUnsignedRecord(current: RecipientSet, next: RecipientSet, options: WriteOptions): Promise<RecipientSet> {
  const starts = options.signer !== null && !current.recipients.some((r) => r.signingKey !== undefined) && next.recipients.some((r) => r.signingKey !== undefined);
  if (!starts || options.sessionTips === undefined) return next;
  const unsigned = new Map(next.unsigned);
  for (const [id, tip] of await options.sessionTips()) if (!tip.signed) unsigned.set(id, tip.oid);
  return { ...next, unsigned };
}

/** Change the set by compare-and-swap on the meta ref; `change` returns null for no change. */
async function updateSet(handle: GitHandle, what: string, options: WriteOptions, change: (current: RecipientSet, isNew: boolean) => RecipientSet | null): Promise<RecipientSet> {
  let result = EMPTY;
  await updateRefWithRetry(
    handle.repo,
    META_REF,
    async (tip) => {
      const current = tip === null ? EMPTY : await readSetAt(handle, tip);
      const next = change(current, tip === null);
      result = next ?? current;
      if (next === null) return null;
      return writeSet(handle, await withUnsignedRecord(current, next, options), tip === null ? [] : [tip], what, options.signer);
    },
    { message: `git-trace: ${what}` },
  );
  return result;
}

/**
 * Add recipients (by key). A known key keeps its entry, except that a signing key given for
 * it replaces the one it had (or binds one to an entry from before signing). Returns the full
 * list afterwards.
 */
export async function addRecipients(handle: GitHandle, additions: readonly Recipient[], options: WriteOptions = { signer: null }): Promise<Recipient[]> {
  for (const r of additions) {
    if (!isRecipientKey(r.key)) throw new UsageError(`not an age X25519 public key: '${r.key}'`, { hint: 'a recipient looks like age1… (62 characters)' });
    if (r.signingKey !== undefined && !isSigningPublicKey(r.signingKey)) throw new UsageError(`not an ssh-ed25519 public key: '${r.signingKey}'`, { hint: 'a signing key looks like: ssh-ed25519 AAAA…' });
  }
  const set = await updateSet(handle, 'recipients', options, (current, isNew) => {
    const byKey = new Map(additions.map((r) => [r.key, r]));
    let changed = false;
    const kept = current.recipients.map((r) => {
      const signingKey = byKey.get(r.key)?.signingKey;
      if (signingKey === undefined || signingKey === r.signingKey) return r;
      changed = true;
      return { ...r, signingKey };
    });
    const known = new Set(current.recipients.map((r) => r.key));
    const added = additions.filter((r) => !known.has(r.key));
    if (added.length === 0 && !changed && !isNew) return null;
    const keys = new Set(added.map((r) => r.key));
    return { recipients: [...kept, ...added], removed: current.removed.filter((k) => !keys.has(k)), unsigned: current.unsigned, retired: current.retired };
  });
  return [...set.recipients];
}

/**
 * Remove a recipient by name or key. New records are no longer encrypted to it; the session
 * tips of now are recorded against its signing key, so that what it signs after is not trusted.
 */
export async function removeRecipient(handle: GitHandle, nameOrKey: string, options: WriteOptions = { signer: null }): Promise<Recipient> {
  let gone: Recipient | undefined;
  const tips = options.sessionTips === undefined ? new Map<string, string>() : new Map([...(await options.sessionTips())].map(([id, tip]) => [id, tip.oid]));
  await updateSet(handle, 'recipients', options, (current) => {
    const matches = current.recipients.filter((r) => r.key === nameOrKey || r.name === nameOrKey);
    if (matches.length > 1) throw new UsageError(`'${nameOrKey}' names ${matches.length} recipients`, { hint: 'remove by public key instead' });
    gone = matches[0];
    if (gone === undefined) return null;
    const key = gone.key;
    // Removed again after a return: the tips of now are the record.
    const retired = gone.signingKey === undefined ? current.retired : mergeRetired(new Map([[gone.signingKey, tips]]), current.retired);
    return { recipients: current.recipients.filter((r) => r.key !== key), removed: [...current.removed, key], unsigned: current.unsigned, retired };
  });
  if (gone === undefined) throw new NotFoundError(`no recipient '${nameOrKey}'`, { hint: "list them with 'git trace recipients list'" });
  return gone;
}

/**
 * Integrate a fetched copy of the meta ref: take it when we have none, fast-forward to it, or
 * merge (the union of both lists, less every key either side removed, with their copy as the
 * second parent so the next push is a fast-forward for the remote).
 */
export async function mergeRecipientsRef(handle: GitHandle, theirs: string, signer: CommitSigner | null): Promise<'created' | 'fast-forwarded' | 'merged' | 'up-to-date'> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const ours = await readRef(handle.repo, META_REF);
    if (ours === null) {
      if ((await compareAndSwapRef(handle.repo, META_REF, theirs, null, 'git-trace: fetch')) === 'updated') return 'created';
      continue;
    }
    if (await isAncestor(handle.repo, theirs, ours)) return 'up-to-date';
    if (await isAncestor(handle.repo, ours, theirs)) {
      if ((await compareAndSwapRef(handle.repo, META_REF, theirs, ours, 'git-trace: fetch (fast-forward)')) === 'updated') return 'fast-forwarded';
      continue;
    }
    const a = await readSetAt(handle, ours);
    const b = await readSetAt(handle, theirs);
    const removed = [...new Set([...a.removed, ...b.removed])];
    const known = new Set(a.recipients.map((r) => r.key));
    const recipients = [...a.recipients, ...b.recipients.filter((r) => !known.has(r.key))].filter((r) => !removed.includes(r.key));
    const unsigned = new Map([...b.unsigned, ...a.unsigned]);
    const merge = await writeSet(handle, { recipients, removed, unsigned, retired: mergeRetired(a.retired, b.retired) }, [ours, theirs], 'merge', signer);
    if ((await compareAndSwapRef(handle.repo, META_REF, merge, ours, 'git-trace: fetch (merge)')) === 'updated') return 'merged';
  }
  return 'up-to-date';
}

/** The repository's session tips, and whether each tip commit carries a signature. */
export async function sessionTipsOf(handle: GitHandle): Promise<Map<string, { oid: string; signed: boolean }>> {
  const out = new Map<string, { oid: string; signed: boolean }>();
  for (const ref of await listRefs(handle.repo, SESSIONS_PREFIX)) {
    const raw = await handle.reader.read(ref.oid);
    const signed = raw !== null && /\ngpgsig /.test(raw.data.toString('utf8').split('\n\n')[0] ?? '');
    out.set(ref.ref.slice(SESSIONS_PREFIX.length), { oid: ref.oid, signed });
  }
  return out;
}
