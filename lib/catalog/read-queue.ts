// Reads for a long-lived server (the MCP server, the dashboard) over one repository: one at a
// time, since the catalog is one SQLite handle, each after bringing the catalog up to date with
// the refs. Never a flush of what live capture spooled (that is a write): the first read opens the
// catalog without settling pending flushes. A failed read does not stop the ones queued after it.

import type { TraceRepo } from '../trace-repo.js';

/** Runs `work` after the reads queued before it, with the catalog refreshed first. */
export type ReadQueue = <T>(work: () => Promise<T>) => Promise<T>;

export function readQueue(repo: TraceRepo): ReadQueue {
  let queue: Promise<unknown> = Promise.resolve();
  let opened = false;
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      if (!opened) await repo.catalog({ settleFlushes: false });
      else await repo.refreshCatalog();
      opened = true;
      return work();
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
