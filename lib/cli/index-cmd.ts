// git trace index [--rebuild]: bring the catalog up to date with the refs.

import { catalogPath } from '../catalog/db.js';
import { stateDir } from '../../refs/repo.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, reportUnreadable } from './output.js';
import { progressBar } from './progress.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace index [--rebuild] [--quiet] [--json]

Bring the catalog (<git-common-dir>/opentraces/catalog.sqlite: search, summaries, patches and
anchors) up to date with the sessions under refs/opentraces/. Every command does this itself;
the catalog is derived, and deleting it loses nothing.

    --rebuild   empty it and read every session again
    --quiet     no progress on the terminal
    --json      print the result as JSON`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { rebuild: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const progress = progressBar('reading sessions', { quiet: args.values.quiet === true });
  try {
    await repo.catalog({ rebuild: args.values.rebuild === true, progress: progress.update });
    progress.done();
    const result = repo.refreshed;
    if (result === null) return 1;
    reportUnreadable(repo);
    const path = catalogPath(stateDir(repo.git.repo));
    const summary = { version: 1, path, sessions: result.total, indexed: result.indexed, removed: result.removed, unreadable: result.unreadable.length };
    if (args.values.json === true) outJson(summary);
    else out(`indexed ${plural(result.indexed, 'session')}${result.removed > 0 ? `, removed ${result.removed}` : ''}; ${plural(result.total, 'session')} in all (${path})`);
    return result.unreadable.length > 0 ? 1 : 0;
  } finally {
    progress.done();
  }
}
