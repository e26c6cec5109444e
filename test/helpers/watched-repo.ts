// A repository for tests about the watcher: the watcher on (whatever the suite runs with), with
// the idle time given, and everything put back after: the watcher stopped, the repository gone,
// the environment as it was.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readDaemon, type DaemonInfo } from '../../lib/capture/watch-journal.js';
import { tempRepo, type TempRepo } from './repo.js';
import { testIdentityFile } from './store.js';

export interface WatchedRepo {
  readonly repo: TempRepo;
  /** The watcher's daemon.json, or null when none runs. */
  daemon(): DaemonInfo | null;
  /** Stops the watcher, removes the repository and restores the environment. */
  cleanup(): void;
}

export function watchedRepo(files: Readonly<Record<string, string>>, idleMs: number): WatchedRepo {
  testIdentityFile();
  const watchSetting = process.env['GIT_TRACE_WATCH'];
  delete process.env['GIT_TRACE_WATCH'];
  process.env['GIT_TRACE_WATCH_IDLE_MS'] = String(idleMs);
  const repo = tempRepo(files);
  assert.equal(repo.trace(['init']).status, 0);
  const daemon = (): DaemonInfo | null => readDaemon(join(repo.dir, '.git', 'opentraces', 'watch'));
  return {
    repo,
    daemon,
    cleanup: () => {
      const running = daemon();
      if (running !== null) {
        try {
          process.kill(running.pid, 'SIGCONT');
          process.kill(running.pid, 'SIGTERM');
        } catch {
          // gone already
        }
      }
      repo.cleanup();
      delete process.env['GIT_TRACE_WATCH_IDLE_MS'];
      if (watchSetting !== undefined) process.env['GIT_TRACE_WATCH'] = watchSetting;
    },
  };
}
