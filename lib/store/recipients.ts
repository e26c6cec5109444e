// The repository's recipients: the age public keys every new record is encrypted to, kept under
// refs/opentraces/meta so they travel with the refs. Public keys only: nothing secret is here.
//
// Removing a recipient cannot take back what was already fetched or pushed to them.

import type { GitHandle } from '../../refs/handle.js';
import { updateRefWithRetry, readRef } from '../../refs/ref-update.js';
import { editTree } from '../../refs/tree-edit.js';
import { UsageError } from '../errors.js';
import { commitMessage, FORMAT_VERSION, META_REF } from './layout.js';

export interface Recipient {
  readonly key: string;
  readonly name?: string;
}

const RECIPIENTS_FILE = 'recipients';
const FORMAT_FILE = 'format';

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
  if (tip === null) return [];
  return readRecipientsAt(handle, tip);
}

async function readRecipientsAt(handle: GitHandle, commit: string): Promise<Recipient[]> {
  const parsed = await handle.reader.readCommit(commit);
  if (parsed === null) return [];
  const entries = (await handle.reader.readTree(parsed.tree)) ?? [];
  const file = entries.find((e) => e.name === RECIPIENTS_FILE && e.type === 'blob');
  if (file === undefined) return [];
  const blob = await handle.reader.readBlob(file.oid);
  return blob === null ? [] : parseRecipients(blob.toString('utf8'));
}

/** Add recipients (by key; a known key keeps its entry). Returns the full set afterwards. */
export async function addRecipients(handle: GitHandle, additions: readonly Recipient[]): Promise<Recipient[]> {
  for (const r of additions) {
    if (!isRecipientKey(r.key)) throw new UsageError(`not an age X25519 public key: '${r.key}'`, { hint: 'a recipient looks like age1… (62 characters)' });
  }
  let result: Recipient[] = [];
  await updateRefWithRetry(
    handle.repo,
    META_REF,
    async (tip) => {
      const current = tip === null ? [] : await readRecipientsAt(handle, tip);
      const known = new Set(current.map((r) => r.key));
      const added = additions.filter((r) => !known.has(r.key));
      result = [...current, ...added];
      if (added.length === 0 && tip !== null) return null;
      const parsed = tip === null ? null : await handle.reader.readCommit(tip);
      const recipientsBlob = await handle.writer.writeBlob(formatRecipients(result));
      const formatBlob = await handle.writer.writeBlob(`${FORMAT_VERSION}\n`);
      const tree = await editTree(handle.reader, handle.writer, parsed?.tree ?? null, new Map([
        [RECIPIENTS_FILE, recipientsBlob],
        [FORMAT_FILE, formatBlob],
      ]));
      return handle.writer.writeCommit({ tree, parents: tip === null ? [] : [tip], message: commitMessage('recipients') });
    },
    { message: 'git-trace: recipients' },
  );
  return result;
}
