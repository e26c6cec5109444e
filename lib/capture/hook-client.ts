// A hook event handed to the repository's watcher (watch-daemon.ts, hook-server.ts), which
// handles it warm: no bundle to compile, no crypto or zlib to load, trees it read a moment ago.
// The hook process then costs little more than starting node. Exactness is the same: the
// watcher answers once the event is handled (the snapshot taken, the spool written), and only
// then does the agent go on. Anything short of a served event (no watcher, another build,
// another environment, another work tree) leaves the event to the hook's own process.
//
// The way there is files, not a socket (node:net and a connection cost a fresh process ~4 ms):
//   watch/cookies/<id>.hook   the request, renamed into place: the watcher sees it as it sees
//                             cookies (inotify), takes it by renaming it to <id>.taken
//   watch/answers/<id>        the answer, renamed into place; the hook waits for it
// A request the watcher has not taken within WITHDRAW_MS is withdrawn (renamed away: of the
// two renames, one wins) and handled by the hook; one taken is never handled twice.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nowMs } from '../clock.js';
import { isRecord, tryParseJson } from '../model/json.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { COOKIE_DIR, isWatcher, readDaemon, uniqueName } from './watch-journal.js';

export interface WatcherRequest {
  readonly agent: string;
  /** The hook process's working directory. */
  readonly cwd: string;
  /** When the hook process started on the event (nowMs: the system's monotonic clock). */
  readonly started: number;
}

export type WatcherAnswer =
  /** Handled: what to print for the agent. */
  | { readonly kind: 'served'; readonly stdout: string }
  /** Nothing was handled (no watcher for it, or it declined): the hook handles it. */
  | { readonly kind: 'declined'; readonly why: string }
  /** Taken, but no answer came: it may have been handled, so it is not handled again. */
  | { readonly kind: 'lost'; readonly why: string };

export const REQUEST_SUFFIX = '.hook';
export const TAKEN_SUFFIX = '.taken';
export const ANSWER_DIR = 'answers';

/** A watcher takes a request within milliseconds; one that has not in this long is busy or stuck. */
const WITHDRAW_MS = 2000;
/** Longer than any event takes: a snapshot gives up after 10 s of waiting for its lock. */
const ANSWER_MS = 60_000;
/** How often to look for the answer: often at first (most come within ~10 ms), then less. */
const POLL_MS = [0.2, 1, 10] as const;
/** How often, while waiting, to make sure the watcher is still there. */
const ALIVE_EVERY_MS = 50;
/** After the watcher that took a request is gone, how long a new one has to decline it. */
const GONE_GRACE_MS = 3000;

/**
 * What decides how an event is handled besides its payload: git's and git-trace's settings
 * from the environment, where git is, where home is. A watcher serves only hooks whose
 * environment is its own (it runs git and reads settings with its own).
 */
export function hookEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return Object.keys(env)
    .filter((name) => name.startsWith('GIT_') || ENVIRONMENT.has(name))
    .sort()
    .map((name) => `${name}=${env[name] ?? ''}`)
    .join('\0');
}

const ENVIRONMENT = new Set(['HOME', 'XDG_CONFIG_HOME', 'PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ']);

export interface Served {
  readonly watchDir: string;
  readonly workTree: string;
  readonly build: string;
}

export function askWatcher(where: Served, request: WatcherRequest, input: Buffer): WatcherAnswer {
  const watcher = servingWatcher(where);
  if (typeof watcher === 'string') return { kind: 'declined', why: watcher };
  const id = uniqueName();
  const cookies = join(where.watchDir, COOKIE_DIR);
  const requestFile = join(cookies, `${id}${REQUEST_SUFFIX}`);
  const answerFile = join(where.watchDir, ANSWER_DIR, id);
  try {
    mkdirSync(join(where.watchDir, ANSWER_DIR), { recursive: true, mode: PRIVATE_DIR_MODE });
    const tmp = `${requestFile}.tmp`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(request)}\n`), input]), { mode: PRIVATE_FILE_MODE });
    renameSync(tmp, requestFile);
  } catch (error) {
    return { kind: 'declined', why: `the request could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const start = nowMs();
  let checked = start;
  let goneAt: number | null = null;
  let taken = false;
  for (;;) {
    if (existsSync(answerFile)) return readAnswer(answerFile);
    const now = nowMs();
    const waited = now - start;
    if (goneAt === null && now - checked > ALIVE_EVERY_MS) {
      checked = now;
      if (!isWatcher(watcher)) goneAt = now;
    }
    if (!taken && (waited > WITHDRAW_MS || goneAt !== null)) {
      try {
        // Withdrawn before a watcher took it: the hook's to handle, and a watcher's never.
        renameSync(requestFile, `${requestFile}.withdrawn`);
        rmSync(`${requestFile}.withdrawn`, { force: true });
        return { kind: 'declined', why: goneAt !== null ? 'the watcher stopped' : `the watcher did not take the event in ${WITHDRAW_MS / 1000} s` };
      } catch {
        taken = true; // a watcher renamed it first: its answer is coming (a new watcher declines what the last one left)
      }
    }
    if (goneAt !== null && now - goneAt > GONE_GRACE_MS) return { kind: 'lost', why: 'the watcher stopped while handling the event' };
    if (waited > ANSWER_MS) return { kind: 'lost', why: `the watcher did not answer in ${ANSWER_MS / 1000} s` };
    // A synchronous pause: no timers, no event loop to start in this short-lived process.
    Atomics.wait(pause, 0, 0, waited < 20 ? POLL_MS[0] : waited < 1000 ? POLL_MS[1] : POLL_MS[2]);
  }
}

/**
 * The pid of the watcher that serves this hook, read from daemon.json; else why none does. A
 * watcher of another build (code from before an upgrade) is asked to stop, for the next hook
 * to start one of this build.
 */
function servingWatcher(where: Served): number | string {
  const info = readDaemon(where.watchDir);
  if (info === null || !isWatcher(info.pid)) return 'no watcher running';
  if (info.serves === undefined) return 'the watcher serves no hooks';
  if (info.serves.build !== where.build) {
    try {
      process.kill(info.pid, 'SIGTERM'); // it stops once the events it is handling are answered
    } catch {
      // gone already
    }
    return 'the watcher runs another build';
  }
  if (info.serves.env !== hookEnvironment()) return 'the watcher runs in another environment';
  if (info.workTree !== where.workTree) return 'the watcher watches another work tree';
  return info.pid;
}

function readAnswer(file: string): WatcherAnswer {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
    rmSync(file, { force: true });
  } catch (error) {
    return { kind: 'lost', why: `the watcher's answer could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  const answer = tryParseJson(text);
  if (!isRecord(answer)) return { kind: 'lost', why: 'the watcher answered nothing readable' };
  if (answer['ok'] === true) return { kind: 'served', stdout: typeof answer['stdout'] === 'string' ? answer['stdout'] : '' };
  return { kind: 'declined', why: typeof answer['why'] === 'string' ? answer['why'] : 'declined' };
}
