// `stats` for the dashboard, computed in a worker thread with a catalog connection of its own:
// at 10,000 sessions it takes tens of seconds, and the server's read queue (one SQLite handle)
// must go on answering the other pages meanwhile. The worker leaves its answer where
// `computeStats` keeps answers (the catalog), for every grouping; the server reads it from there.
// It never settles live-capture flushes: the dashboard writes nothing.

import { parentPort, workerData } from 'node:worker_threads';
import { openRepo } from '../trace-repo.js';
import { computeStats, storedStats } from '../trail/stats.js';
import { dashboardWindow } from './stats-window.js';

/** What the server hands the worker. */
export interface StatsWork {
  /** Where the server's repository was found. */
  readonly cwd: string;
  /** The window in days before HEAD's commit date; absent: the default. */
  readonly days?: number;
}

const ATTEMPTS = 3;

const work = workerData as StatsWork;
const repo = await openRepo(work.cwd);
try {
  await repo.catalog({ settleFlushes: false, quietUnreadable: true });
  // A session stored while it computed keeps the answer from being stored (it would name a
  // state it may not be): again, a few times, from what is stored by then (often taken over).
  const options = { by: 'day' as const, ...dashboardWindow(work.days) };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    await computeStats(repo, options);
    await repo.refreshCatalog();
    if ((await storedStats(repo, options))?.current === true) break;
  }
  parentPort?.postMessage('stored');
} finally {
  repo.close();
}
