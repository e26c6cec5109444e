// git trace flush: store what live capture spooled. Hooks run it in the background at stop and
// session end; run it by hand to store a session that is still going.

import { flushCaptures, type FailedFlush, type SessionFlush } from '../capture/flush.js';
import { FlushError } from '../errors.js';
import { readRedactionConfig } from '../repo-config.js';
import { anchorNewCommits } from '../trail/anchor-new.js';
import { openCatalogForWrites } from './repo.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace flush [--session ID] [--quiet] [--json]

Store what the hooks spooled: the new part of each live session's transcript joined with the
patches observed around its tool calls, encrypted under refs/opentraces/. Waits for a flush of
the same session already running. Safe to run at any time.

Each session is flushed on its own: one that cannot be stored is named in an error (exit code
1), its spool is kept for the next flush, and the other sessions are stored. A spool whose session
id cannot be a ref name (left by an older git-trace) is set aside with a warning.

    --session ID   only this session
    --quiet        print nothing on success
    --json         print the result as JSON`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { session: { type: 'string' }, quiet: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const redaction = await readRedactionConfig(repo.git.repo);
  // With the catalog open, appends learn what sessions hold from it, and it learns each write.
  await openCatalogForWrites(repo);
  const result = await flushCaptures(repo, { ...(args.values.session === undefined ? {} : { sessionId: args.values.session }), redaction, warn });
  // The post-commit hook runs this flush: anchor the new commits while we are here. The
  // anchors are a cache, so a failure costs only time later.
  await anchorNewCommits(repo).catch((error: unknown) => warn(`anchoring new commits failed (${(error as Error).message}); blame will do it`));
  if (args.values.json === true) outJson({ version: 1, sessions: result.sessions, failed: result.failed, setAside: result.setAside });
  else if (args.values.quiet !== true) out(renderFlush(result.sessions));
  if (result.failed.length > 0) throw flushError(result.failed);
  return 0;
}

/** One error for the sessions that could not be stored, after the others were. */
function flushError(failed: readonly FailedFlush[]): FlushError {
  const [only] = failed;
  const kept = 'the spool is kept: run \'git trace flush\' again';
  if (failed.length === 1 && only !== undefined) {
    return new FlushError(`cannot store session '${only.sessionId}': ${only.message}`, { hint: only.hint === undefined ? kept : `${only.hint}\n${kept}` });
  }
  return new FlushError(`cannot store ${failed.length} sessions: ${failed.map((f) => `'${f.sessionId}' (${f.message})`).join(', ')}`, { hint: `${kept}; the other sessions are stored` });
}

function renderFlush(results: readonly SessionFlush[]): string {
  if (results.length === 0) return 'nothing to flush';
  return results
    .map((r) => `${r.sessionId}: ${r.added} new steps, ${r.updated} updated, ${plural(r.observed, 'observed tool call')}${r.ended ? ' (session ended)' : ''}`)
    .join('\n');
}
