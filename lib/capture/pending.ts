// Read-your-writes: a command that reads sessions right after an agent's Stop or SessionEnd hook
// returned must see that session, though the hook left the storing to a background flush. The
// hook notes how far the spool must be stored (`flush-wanted`); a reader that finds a session
// whose stored offset (`flushed`) is short of it waits for the flush running now (bounded, with a
// note past a second), or, when none is running, does the flush itself. The agent never waits.
// The check is a directory listing and two tiny files per live session: nothing is loaded for it.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GitRepo } from '../../refs/repo.js';
import { PRIVATE_FILE_MODE } from '../settings.js';
import { captureRoot } from './paths.js';

const WANTED = 'flush-wanted';
const FLUSHED = 'flushed';
const LOCK = 'flush.lock';
/** How long a reader waits for a running flush before storing the session itself. */
const WAIT_MS = 15_000;
const NOTE_AFTER_MS = 1000;

/** Called by the hook at Stop and SessionEnd: the spool up to `offset` must be stored. */
export function markFlushWanted(sessionDir: string, offset: number): void {
  writeFileSync(join(sessionDir, WANTED), `${offset}\n`, { mode: PRIVATE_FILE_MODE });
}

function readNumber(path: string): number {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Capture folders whose stop or session end is not stored yet. */
export function pendingFlushes(repo: GitRepo): string[] {
  const root = captureRoot(repo);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const dir = join(root, name);
    const wanted = readNumber(join(dir, WANTED));
    return wanted > 0 && readNumber(join(dir, FLUSHED)) < wanted;
  });
}

export interface SettleOptions {
  /** Store the session now (the caller's flush), when no flush is running for it. */
  readonly flush: (dirName: string) => Promise<void>;
  readonly note: (message: string) => void;
  readonly waitMs?: number;
}

/**
 * Wait for every pending flush, or do it: after this, every session whose Stop or SessionEnd
 * hook returned before the call is in the refs (unless its flush failed: that is logged).
 */
export async function settlePendingFlushes(repo: GitRepo, options: SettleOptions): Promise<void> {
  const started = Date.now();
  let noted = false;
  for (const name of pendingFlushes(repo)) {
    const dir = join(captureRoot(repo), name);
    for (;;) {
      if (!existsSync(dir) || !pendingFlushes(repo).includes(name)) break;
      if (!existsSync(join(dir, LOCK))) {
        await options.flush(name);
        break;
      }
      if (Date.now() - started > (options.waitMs ?? WAIT_MS)) break;
      if (!noted && Date.now() - started > NOTE_AFTER_MS) {
        noted = true;
        options.note('waiting for the background flush of the session that just ended…');
      }
      await sleep(25);
    }
  }
}
