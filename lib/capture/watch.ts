// What changed in the work tree since a session's last snapshot, asked of the repository's
// watcher (watch-daemon.ts) instead of walking the tree. Exactness rests on a cookie: the hook
// makes a file the daemon watches and reads the journal up to the daemon's record of it, so
// every change made before the hook asked is in what it reads. Anything the journal cannot
// vouch for (no daemon yet, no answer in time, a reset, another daemon since the session's
// mark, the session's first snapshot) is a walk, and says why.

import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from '../clock.js';
import { childProcess } from '../../refs/lazy-builtins.js';
import { stateDir, type GitRepo } from '../../refs/repo.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { COOKIE_DIR, daemonScript, isWatcher, parseJournal, readDaemon, uniqueName, watchDirOf } from './watch-journal.js';

/** Where a session's index is up to date in the watcher's journal. */
export interface WatchMark {
  readonly generation: string;
  readonly offset: number;
}

export type ScanPlan =
  | { readonly kind: 'watcher'; readonly paths: readonly string[]; readonly mark: WatchMark }
  | { readonly kind: 'walk'; readonly reason: string; readonly mark?: WatchMark };

export interface WatchOptions {
  /** How long the daemon lives with no hook asking. */
  readonly idleMs: number;
  /** How long to wait for the daemon to see a cookie before walking instead. */
  readonly answerMs?: number;
  /**
   * Set in the watcher's own process, handling an event a hook handed over (hook-server.ts):
   * the watcher saw the hand-over's request after every change made before it, as it would
   * have seen a cookie, so the journal is read as it is, with no cookie.
   */
  readonly inWatcher?: boolean;
}

/** Past this many changed paths, one walk is cheaper than naming them all. */
const MAX_PATHS = 2000;
const ANSWER_MS = 1000;

export async function changesSince(repo: GitRepo, previous: WatchMark | null, options: WatchOptions): Promise<ScanPlan> {
  const dir = watchDirOf(stateDir(repo));
  const daemon = readDaemon(dir);
  if (daemon === null || daemon.workTree !== repo.workTree || !isWatcher(daemon.pid)) {
    startDaemon(dir, repo.workTree ?? '', options.idleMs);
    return { kind: 'walk', reason: 'watcher not running' };
  }
  const same = previous !== null && previous.generation === daemon.generation;
  let from: number;
  try {
    from = same ? previous.offset : statSync(daemon.journal).size;
  } catch {
    return { kind: 'walk', reason: 'watcher not running' };
  }
  const plan = (read: JournalRead | null): ScanPlan => {
    if (read === null) return { kind: 'walk', reason: 'watcher did not answer' };
    const mark = { generation: daemon.generation, offset: read.end };
    if (previous === null) return { kind: 'walk', reason: 'first snapshot', mark };
    if (!same) return { kind: 'walk', reason: 'watcher restarted', mark };
    if (read.reset) return { kind: 'walk', reason: 'watcher may have missed events', mark };
    if (read.paths.size > MAX_PATHS) return { kind: 'walk', reason: 'many changes', mark };
    return { kind: 'watcher', paths: [...read.paths], mark };
  };
  if (options.inWatcher === true && daemon.pid === process.pid) return plan(await readJournal(daemon.journal, from, null, 0));
  const cookie = join(dir, COOKIE_DIR, uniqueName());
  writeFileSync(cookie, '', { mode: PRIVATE_FILE_MODE });
  try {
    return plan(await readJournal(daemon.journal, from, cookie.slice(cookie.lastIndexOf('/') + 1), options.answerMs ?? ANSWER_MS));
  } finally {
    rmSync(cookie, { force: true });
  }
}

export function readMark(file: string): WatchMark | null {
  try {
    const [generation, offset] = readFileSync(file, 'utf8').trim().split(' ');
    return generation !== undefined && generation !== '' && Number.isSafeInteger(Number(offset)) ? { generation, offset: Number(offset) } : null;
  } catch {
    return null;
  }
}

export function writeMark(file: string, mark: WatchMark | null): void {
  if (mark === null) rmSync(file, { force: true });
  else writeFileSync(file, `${mark.generation} ${mark.offset}\n`, { mode: PRIVATE_FILE_MODE });
}

interface JournalRead {
  readonly paths: ReadonlySet<string>;
  readonly reset: boolean;
  /** Just past the cookie's record (or the last record, reading without one). */
  readonly end: number;
}

/** The journal from `from` up to the cookie's record once the watcher wrote it; without a cookie, as it is now. */
async function readJournal(journal: string, from: number, cookie: string | null, answerMs: number): Promise<JournalRead | null> {
  const paths = new Set<string>();
  let reset = false;
  let offset = from;
  const deadline = nowMs() + answerMs;
  let fd: number;
  try {
    fd = openSync(journal, 'r');
  } catch {
    return null;
  }
  try {
    for (;;) {
      const size = fstatSync(fd).size;
      if (size > offset) {
        const bytes = Buffer.alloc(size - offset);
        readSync(fd, bytes, 0, bytes.length, offset);
        const { records, consumed } = parseJournal(bytes);
        let at = offset;
        for (const record of records) {
          at += Buffer.byteLength(record.text) + 2;
          if (record.kind === 'path') paths.add(record.text);
          else if (record.kind === 'reset') reset = true;
          else if (record.text === cookie) return { paths, reset, end: at };
        }
        offset += consumed;
      }
      if (cookie === null) return { paths, reset, end: offset };
      if (nowMs() > deadline) return null;
      await sleep(1);
    }
  } finally {
    closeSync(fd);
  }
}

/** Detached, so it outlives the hook; a second one started meanwhile finds the lock and exits. */
function startDaemon(dir: string, workTree: string, idleMs: number): void {
  mkdirSync(join(dir, COOKIE_DIR), { recursive: true, mode: PRIVATE_DIR_MODE });
  const child = childProcess().spawn(process.execPath, [daemonScript(), dir, workTree, String(idleMs)], { cwd: dir, detached: true, stdio: 'ignore' });
  child.unref();
}
