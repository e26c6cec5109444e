// git trace push / fetch / sync: share sessions through a git remote. Only refs/opentraces/*
// travels, with explicit refspecs: the remote's config and the user's branches are untouched.

import { describeChange } from '../store/trust.js';
import { fetchSessions, pushSessions, resolveRemote, type FetchResult, type PushResult } from '../sync/sync.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import { UsageError } from '../errors.js';
import type { CommandContext } from './commands.js';

const PUSH_HELP = `usage: git trace push [--json] [REMOTE]

Send this repository's sessions and recipients (refs/opentraces/sessions/*, refs/opentraces/meta)
to REMOTE (default: git config trace.remote, else origin). Every object is checked to be
ciphertext before it leaves; a push that finds the remote moved fetches, merges and tries again,
so nothing on the remote is ever dropped. Your branches, tags and remote config are untouched.

Sessions forgotten here ('git trace forget') are deleted on REMOTE, and their tombstones
(refs/opentraces/forgotten/*) sent; the remote keeps their objects until its host's gc.`;

const FETCH_HELP = `usage: git trace fetch [--json] [REMOTE]

Bring REMOTE's sessions and recipients into refs/opentraces/remotes/<remote>/ and merge them
into your store: new sessions appear, a session that grew on both sides becomes the union of
its steps; a local session is never overwritten.

Signatures are checked against your recipients: a fetched session whose new commits are not
signed by a recipient is reported as untrusted (and never merged into yours); a change of
recipients not signed by a current recipient is refused and left in
refs/opentraces/remotes/<remote>/meta (take it deliberately with 'git trace recipients accept
REMOTE'). Every change of recipients taken is printed with who signed it.

A tombstone ('git trace forget') signed by a current recipient forgets its session here too; one
not so signed is refused and reported, the session stays, and the tombstone is left in
refs/opentraces/remotes/<remote>/forgotten/ (to forget the session yourself: git trace forget ID).`;

const SYNC_HELP = `usage: git trace sync [--json] [REMOTE]

Fetch, then push: both sides end with every session of both.`;

function remoteArg(positionals: readonly string[], help: string): string | undefined {
  if (positionals.length > 1) throw new UsageError('one REMOTE at most', { hint: help.split('\n')[0] ?? '' });
  return positionals[0];
}

export async function runPush(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, PUSH_HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const result = await pushSessions(repo, await resolveRemote(repo, remoteArg(args.positionals, PUSH_HELP)));
  await repo.refreshCatalog({ quietUnreadable: true });
  if (args.values.json === true) outJson({ version: 1, ...result });
  else out(renderPush(result));
  return 0;
}

export async function runFetch(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, FETCH_HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const result = await fetchSessions(repo, await resolveRemote(repo, remoteArg(args.positionals, FETCH_HELP)));
  reportUnreadable(result);
  await repo.refreshCatalog({ quietUnreadable: true });
  if (args.values.json === true) outJson({ version: 1, ...result });
  else out(renderFetch(result));
  return 0;
}

export async function runSync(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, SYNC_HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const remote = await resolveRemote(repo, remoteArg(args.positionals, SYNC_HELP));
  const fetched = await fetchSessions(repo, remote);
  reportUnreadable(fetched);
  const pushed = await pushSessions(repo, remote);
  await repo.refreshCatalog({ quietUnreadable: true });
  if (args.values.json === true) outJson({ version: 1, fetch: fetched, push: pushed });
  else out(`${renderFetch(fetched)}\n${renderPush(pushed)}`);
  return 0;
}

function reportUnreadable(result: FetchResult): void {
  for (const s of result.sessions) {
    if (s.result === 'unreadable') warn(`session '${s.id}' was fetched but could not be merged: ${s.reason ?? ''}`);
    else if (s.trust === 'untrusted') {
      const what = s.result === 'kept-untrusted' ? 'was not merged: its new commits are' : 'is untrusted: it is';
      warn(`session '${s.id}' from '${result.remote}' ${what} not signed by a recipient (${s.problems?.[0] ?? ''}); see 'git trace verify ${s.id}'`);
    }
  }
  for (const t of result.tombstones) {
    if (t.result !== 'refused') continue;
    warn(`refused the tombstone of session '${t.id}' from '${result.remote}': ${t.reason ?? ''}; the session is kept; to forget it yourself: git trace forget ${t.id}`);
  }
  if (result.recipients === 'refused') {
    const refused = result.recipientChanges.filter((c) => !c.accepted).map(describeChange).join('; ');
    warn(`refused a change of recipients from '${result.remote}' (${refused}): not signed by a current recipient; your recipients are unchanged; to accept it: git trace recipients accept ${result.remote}`);
  }
}

function renderFetch(result: FetchResult): string {
  const changes = result.recipients === 'refused' ? [] : result.recipientChanges.map((c) => `recipients: ${describeChange(c)}`);
  const forgotten = result.tombstones.filter((t) => t.result !== 'refused').map((t) => `forgot session '${t.id}': tombstone signed by ${t.signedBy ?? ''}`);
  return [...changes, ...forgotten, renderFetchCounts(result)].join('\n');
}

function renderFetchCounts(result: FetchResult): string {
  const count = (kind: string): number => result.sessions.filter((s) => s.result === kind).length;
  const parts = [`${count('created')} new`, `${count('fast-forwarded')} updated`, `${count('merged')} merged`, `${count('up-to-date')} up to date`];
  if (count('unreadable') > 0) parts.push(`${count('unreadable')} kept apart (not readable with your key)`);
  if (count('kept-untrusted') > 0) parts.push(`${count('kept-untrusted')} kept apart (not signed by a recipient)`);
  const untrusted = result.sessions.filter((s) => s.trust === 'untrusted' && s.result !== 'kept-untrusted').length;
  if (untrusted > 0) parts.push(`${untrusted} untrusted`);
  return `fetched ${plural(result.sessions.length, 'session')} from '${result.remote}': ${parts.join(', ')}; recipients ${result.recipients}`;
}

function renderPush(result: PushResult): string {
  const pushed = result.refs.filter((r) => r.status === 'pushed' && !result.deleted.includes(r.ref)).length;
  const same = result.refs.filter((r) => r.status === 'up-to-date').length;
  const deleted = result.deleted.length > 0 ? `; deleted ${plural(result.deleted.length, 'forgotten session')} there` : '';
  return `pushed ${plural(pushed, 'ref')} to '${result.remote}' (${same} already there)${result.retries > 0 ? `, after merging what the remote had (${plural(result.retries, 'retry', 'retries')})` : ''}${deleted}`;
}
