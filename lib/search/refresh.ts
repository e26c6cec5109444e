// Feeding the index after a write (import, flush). The index is derived, so failing to update it
// never fails the write: the next search brings it up to date from the refs.

import { stateDir } from '../../refs/repo.js';
import type { TraceRepo } from '../trace-repo.js';

export async function refreshIndex(repo: TraceRepo, warn: (message: string) => void): Promise<void> {
  try {
    const { openIndex } = await import('./db.js');
    const { syncIndex } = await import('./indexer.js');
    const db = await openIndex(stateDir(repo.git.repo));
    try {
      const result = await syncIndex(repo, db);
      for (const id of result.restored) warn(`session '${id}' had been deleted from refs/opentraces (by 'git fetch --prune'?); restored it`);
    } finally {
      db.close();
    }
  } catch (error) {
    warn(`the search index was not updated (${(error as Error).message}); 'git trace index' will retry`);
  }
}
