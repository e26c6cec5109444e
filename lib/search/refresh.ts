// The index, up to date with the refs: opened, synced (only sessions whose ref moved are read
// again), with what could not be read and what was restored reported through `warn`. Every
// command that reads or feeds the index goes through here.

import { stateDir } from '../../refs/repo.js';
import type { TraceRepo } from '../trace-repo.js';
import type { IndexDb } from './db.js';
import type { SyncResult } from './indexer.js';

export async function openSyncedIndex(
  repo: TraceRepo,
  warn: (message: string) => void,
  options: { readonly rebuild?: boolean; readonly reportUnreadable?: boolean } = {},
): Promise<{ db: IndexDb; sync: SyncResult }> {
  const { openIndex } = await import('./db.js');
  const { syncIndex } = await import('./indexer.js');
  const db = await openIndex(stateDir(repo.git.repo));
  try {
    const sync = await syncIndex(repo, db, options.rebuild === true ? { rebuild: true } : {});
    if (options.reportUnreadable !== false) for (const u of sync.unreadable) warn(`cannot read session '${u.id}': ${u.error.message}`);
    for (const id of sync.restored) warn(`session '${id}' had been deleted from refs/opentraces (by 'git fetch --prune'?); restored it`);
    return { db, sync };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Feeding the index after a write (import, flush, fetch). The index is derived, so failing to
 * update it never fails the write: the next search brings it up to date from the refs.
 */
export async function refreshIndex(repo: TraceRepo, warn: (message: string) => void): Promise<void> {
  try {
    // After a write, sessions this user cannot read are not news: only restorations are.
    const { db } = await openSyncedIndex(repo, warn, { reportUnreadable: false });
    db.close();
  } catch (error) {
    warn(`the search index was not updated (${(error as Error).message}); 'git trace index' will retry`);
  }
}
