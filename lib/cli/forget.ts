// git trace forget ID…: take sessions back, here and (on the next push) on the remotes, leaving
// a signed tombstone. Every ID is resolved before anything is removed: one unknown ID, nothing goes.

import { forgetSessions, resolveForForget, type ForgetResult, type ForgottenSession } from '../forget/forget.js';
import { UsageError } from '../errors.js';
import { forgottenRef } from '../store/layout.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace forget [--dry-run] [--json] ID...

Remove sessions from this repository and leave a signed tombstone for each, so that nothing
brings them back: the session's ref and the copies fetched from remotes, its rows in the local
index (summary, steps, search text, trust), its live-capture spool and the import checkpoints
of its transcripts. ID may be a unique prefix of at least 4 characters; when one ID is unknown,
nothing is removed.

The tombstone, refs/opentraces/forgotten/<id>, holds the session id and the time, signed with
your signing key; it carries no session content. 'git trace push' sends it and deletes the
session's ref on the remote; 'git trace fetch' in another clone removes the session there when
the tombstone is signed by a current recipient, and refuses (reports, and keeps the session)
one that is not. 'git trace import' does not import a forgotten session again.

Not protected: the session's git objects stay in this repository until gc (run
'git gc --prune=now' to drop them now) and on a remote until its host's gc runs; anyone who
fetched the session before keeps their copy.

    --dry-run   list what would go (refs, index rows, spool folders, import checkpoints, and
                the remotes whose copy the next push deletes), change nothing
    --json      print the result as JSON`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  if (args.positionals.length === 0) throw new UsageError('forget needs at least one session ID', { hint: 'usage: git trace forget [--dry-run] [--json] ID...' });
  const repo = await context.repo();
  const ids: string[] = [];
  for (const given of args.positionals) ids.push(await resolveForForget(repo, given));
  const result = await forgetSessions(repo, ids, { dryRun: args.values['dry-run'] === true });
  for (const w of result.warnings) warn(w);
  if (args.values.json === true) outJson({ version: 1, ...result });
  else out(renderForget(result));
  return 0;
}

function renderForget(result: ForgetResult): string {
  const lines = result.sessions.flatMap((s) => renderSession(s, result.dryRun));
  lines.push(
    result.dryRun
      ? 'nothing was changed (--dry-run)'
      : "the objects stay in this repository until gc: run 'git gc --prune=now' to drop them now; a remote keeps them until its host's gc",
  );
  return lines.join('\n');
}

function renderSession(s: ForgottenSession, dryRun: boolean): string[] {
  const head = s.already ? `session '${s.id}' was forgotten already${s.paths.length + s.imports.length > 0 ? (dryRun ? '; would remove its leftovers' : '; removed its leftovers') : ''}` : `${dryRun ? 'would forget' : 'forgot'} session '${s.id}'`;
  const rows = s.catalog.sessions + s.catalog.steps;
  return [
    head,
    ...s.refs.map((r) => `  ref        ${r.ref}`),
    ...(rows > 0 ? [`  index      ${plural(rows, 'row')} (${plural(s.catalog.steps, 'step')})`] : []),
    ...s.paths.map((p) => `  spool      ${p}`),
    ...s.imports.map((p) => `  checkpoint ${p}`),
    ...s.remotes.map((r) => `  remote     ${r}: its copy is deleted on the next 'git trace push ${r}'`),
    `  tombstone  ${forgottenRef(s.id)}${s.newTombstone ? (dryRun ? ' (would be written, signed by you)' : ' (signed by you)') : ''}`,
  ];
}
