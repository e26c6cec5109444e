// The repository's recipients: the age public keys every new record is encrypted to, kept under
// refs/opentraces/meta so they travel with the refs. Public keys only: nothing secret is here.
//
//   refs/opentraces/meta: recipients   "age1… name" per line
//                         removed      keys taken out (so a merge with an older copy does not
//                                      bring them back: in a merge, a removal wins)
//                         format       the format version
//
// Removing a recipient cannot take back what was already fetched or pushed to them.

import type { GitHandle } from '../../refs/handle.js';
import { compareAndSwapRef, isAncestor, readRef, updateRefWithRetry } from '../../refs/ref-update.js';
import { editTree } from '../../refs/tree-edit.js';
import { NotFoundError, UsageError } from '../errors.js';
import { commitMessage, FORMAT_VERSION, META_REF } from './layout.js';

export interface Recipient {
  readonly key: string;
  readonly name?: string;
}

interface RecipientSet {
  readonly recipients: readonly Recipient[];
  readonly removed: readonly string[];
}

const RECIPIENTS_FILE = 'recipients';
const REMOVED_FILE = 'removed';
const FORMAT_FILE = 'format';
const EMPTY: RecipientSet = { recipients: [], removed: [] };

export function isRecipientKey(key: string): boolean {
  return /^age1[02-9ac-hj-np-z]{58}$/.test(key);
}

export function parseRecipients(text: string): Recipient[] {
  const out: Recipient[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, ...name] = line.split(/\s+/);
    if (key === undefined || !isRecipientKey(key)) continue;
    out.push(name.length > 0 ? { key, name: name.join(' ') } : { key });
  }
  return out;
}

export function formatRecipients(recipients: readonly Recipient[]): string {
  return recipients.map((r) => (r.name === undefined ? r.key : `${r.key} ${r.name}`)).join('\n') + '\n';
}

export async function readRecipients(handle: GitHandle): Promise<Recipient[]> {
  const tip = await readRef(handle.repo, META_REF);
  return tip === null ? [] : [...(await readSetAt(handle, tip)).recipients];
}

async function readSetAt(handle: GitHandle, commit: string): Promise<RecipientSet> {
  const parsed = await handle.reader.readCommit(commit);
  if (parsed === null) return EMPTY;
  const entries = (await handle.reader.readTree(parsed.tree)) ?? [];
  const read = async (name: string): Promise<string> => {
    const entry = entries.find((e) => e.name === name && e.type === 'blob');
    return entry === undefined ? '' : ((await handle.reader.readBlob(entry.oid))?.toString('utf8') ?? '');
  };
  return { recipients: parseRecipients(await read(RECIPIENTS_FILE)), removed: parseRecipients(await read(REMOVED_FILE)).map((r) => r.key) };
}

async function writeSet(handle: GitHandle, set: RecipientSet, parents: readonly string[], what: string): Promise<string> {
  const base = parents[0] === undefined ? null : await handle.reader.readCommit(parents[0]);
  const files = new Map([
    [RECIPIENTS_FILE, await handle.writer.writeBlob(formatRecipients(set.recipients))],
    [FORMAT_FILE, await handle.writer.writeBlob(`${FORMAT_VERSION}\n`)],
  ]);
  if (set.removed.length > 0) files.set(REMOVED_FILE, await handle.writer.writeBlob(formatRecipients(set.removed.map((key) => ({ key })))));
  const tree = await editTree(handle.reader, handle.writer, base?.tree ?? null, files);
  return handle.writer.writeCommit({ tree, parents, message: commitMessage(what) });
}

/** Change the set by compare-and-swap on the meta ref; `change` returns null for no change. */
async function updateSet(handle: GitHandle, what: string, change: (current: RecipientSet, isNew: boolean) => RecipientSet | null): Promise<RecipientSet> {
  let result = EMPTY;
  await updateRefWithRetry(
    handle.repo,
    META_REF,
    async (tip) => {
      const current = tip === null ? EMPTY : await readSetAt(handle, tip);
      const next = change(current, tip === null);
      result = next ?? current;
      if (next === null) return null;
      return writeSet(handle, next, tip === null ? [] : [tip], what);
    },
    { message: `git-trace: ${what}` },
  );
  return result;
}

/** Add recipients (by key; a known key keeps its entry). Returns the full list afterwards. */
export async function addRecipients(handle: GitHandle, additions: readonly Recipient[]): Promise<Recipient[]> {
  for (const r of additions) {
    if (!isRecipientKey(r.key)) throw new UsageError(`not an age X25519 public key: '${r.key}'`, { hint: 'a recipient looks like age1… (62 characters)' });
  }
  const set = await updateSet(handle, 'recipients', (current, isNew) => {
    const known = new Set(current.recipients.map((r) => r.key));
    const added = additions.filter((r) => !known.has(r.key));
    if (added.length === 0 && !isNew) return null;
    const keys = new Set(added.map((r) => r.key));
    return { recipients: [...current.recipients, ...added], removed: current.removed.filter((k) => !keys.has(k)) };
  });
  return [...set.recipients];
}

/** Remove a recipient by name or key. New records are no longer encrypted to it. */
export async function removeRecipient(handle: GitHandle, nameOrKey: string): Promise<Recipient> {
  let gone: Recipient | undefined;
  await updateSet(handle, 'recipients', (current) => {
    const matches = current.recipients.filter((r) => r.key === nameOrKey || r.name === nameOrKey);
    if (matches.length > 1) throw new UsageError(`'${nameOrKey}' names ${matches.length} recipients`, { hint: 'remove by public key instead' });
    gone = matches[0];
    if (gone === undefined) return null;
    const key = gone.key;
    return { recipients: current.recipients.filter((r) => r.key !== key), removed: [...current.removed, key] };
  });
  if (gone === undefined) throw new NotFoundError(`no recipient '${nameOrKey}'`, { hint: "list them with 'git trace recipients list'" });
  return gone;
}

/**
 * Integrate a fetched copy of the meta ref: take it when we have none, fast-forward to it, or
 * merge (the union of both lists, less every key either side removed, with their copy as the
 * second parent so the next push is a fast-forward for the remote).
 */
export async function mergeRecipientsRef(handle: GitHandle, theirs: string): Promise<'created' | 'fast-forwarded' | 'merged' | 'up-to-date'> {
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
    const merge = await writeSet(handle, { recipients, removed }, [ours, theirs], 'merge');
    if ((await compareAndSwapRef(handle.repo, META_REF, merge, ours, 'git-trace: fetch (merge)')) === 'updated') return 'merged';
  }
  return 'up-to-date';
}
