// git trace index [--rebuild]: bring the local search index up to date with the refs.

import { indexPath } from '../search/db.js';
import { openSyncedIndex } from '../search/refresh.js';
import { stateDir } from '../../refs/repo.js';
import { openRepo } from '../trace-repo.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';

const HELP = `usage: git trace index [--rebuild] [--json]

Bring the local search index (<git-common-dir>/opentraces/index.sqlite) up to date with
the sessions under refs/opentraces/. The index is derived: deleting it loses nothing.

    --rebuild   empty it and index every session again
    --json      print the result as JSON`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { rebuild: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const repo = await openRepo(process.cwd());
  const dir = stateDir(repo.git.repo);
  const { db, sync: result } = await openSyncedIndex(repo, warn, { rebuild: args.values.rebuild === true });
  try {
    const summary = { version: 1, path: indexPath(dir), indexed: result.indexed, removed: result.removed, unreadable: result.unreadable.length };
    if (args.values.json === true) outJson(summary);
    else out(`indexed ${plural(result.indexed, 'session')}${result.removed > 0 ? `, removed ${result.removed}` : ''} (${summary.path})`);
    return result.unreadable.length > 0 ? 1 : 0;
  } finally {
    db.close();
    repo.close();
  }
}
