// The repository as commands open it: in the current directory, with warnings (a damaged
// catalog set aside, a pruned session restored) printed the CLI's way.

import { TraceError } from '../errors.js';
import { openRepo, type TraceRepo } from '../trace-repo.js';
import { info, warn } from './output.js';
import { progressBar } from './progress.js';

export function openCliRepo(): Promise<TraceRepo> {
  return openRepo(process.cwd(), { warn, note: info, prefetchCatalog: true, progress: (label) => progressBar(label) });
}

/**
 * The catalog for a command that writes sessions: appends then learn from it what sessions hold
 * and it learns every write. Derived data: when it cannot be opened, the writes go on without it
 * (they decrypt instead) and the next reader rebuilds it.
 */
export async function openCatalogForWrites(repo: TraceRepo): Promise<void> {
  try {
    await repo.catalog({ quietUnreadable: true, settleFlushes: false });
  } catch (error) {
    if (!(error instanceof TraceError)) throw error;
    warn(`${error.message}; storing without it`);
  }
}
