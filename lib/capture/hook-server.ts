// The watcher's side of hook-client.ts: hooks hand their events over as request files in the
// cookie folder (private to the user, as the watch folder is). Each is taken (renamed, so that a
// hook that withdrew it meanwhile keeps it), handled as the hook would handle it
// (hook-entry.ts) in this warm process, and answered once handled. The watcher says what it
// serves in daemon.json (its build and environment), so hooks of another build or environment
// never ask it; it declines what still is not its own (another work tree).

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { ANSWER_DIR, hookEnvironment, REQUEST_SUFFIX, TAKEN_SUFFIX, type WatcherRequest } from './hook-client.js';
import { COOKIE_DIR, daemonBuild, type ServedHooks } from './watch-journal.js';

export interface HookServer {
  /** For daemon.json: what hooks this watcher serves. */
  readonly serves: ServedHooks;
  /** A file appeared in the cookie folder: a request, when its name says so. */
  seen(name: string): void;
  /** Declines what comes from now on, and resolves once the events being handled are answered (30 s at most). */
  close(): Promise<void>;
}

export interface HookServerOptions {
  readonly watchDir: string;
  readonly workTree: string;
  /** Called on each event: a watcher that serves hooks is not idle. */
  readonly keepAlive: () => void;
}

const CLOSE_WAIT_MS = 30_000;
/** How often, while serving, to look for what hooks left, and how old it must be to go. */
const SWEEP_MS = 5_000;
const STALE_MS = 10_000;

export async function serveHooks(options: HookServerOptions): Promise<HookServer> {
  // Loaded now, not on the first event: that one must not wait for ~100 modules.
  const { handlePayload } = await import('./hook-entry.js');
  const cookies = join(options.watchDir, COOKIE_DIR);
  const answers = join(options.watchDir, ANSWER_DIR);
  mkdirSync(answers, { recursive: true, mode: PRIVATE_DIR_MODE });
  let handling = 0;
  let closing = false;

  const answer = (id: string, body: Record<string, unknown>): void => {
    const file = join(answers, id);
    writeFileSync(`${file}.tmp`, JSON.stringify(body), { mode: PRIVATE_FILE_MODE });
    renameSync(`${file}.tmp`, file);
  };

  // What nobody will take or read any more: a request a stopped watcher never took is declined
  // (its hook, if still waiting, then handles it), one it took and never answered is dropped (it
  // may have been handled: its hook says so in its log), half-written requests of hooks killed
  // meanwhile are removed. Payloads do not stay: at start, and every SWEEP_MS while serving.
  let swept = 0;
  const sweep = (olderThanMs: number): void => {
    swept = Date.now();
    // Never a reason for the watcher to fail: what is not swept now is at the next sweep.
    try {
      sweepOnce(olderThanMs);
    } catch {
      // an unreadable folder or file: left for now
    }
  };
  const sweepOnce = (olderThanMs: number): void => {
    for (const name of readdirSync(cookies)) {
      const file = join(cookies, name);
      if (!name.includes(REQUEST_SUFFIX) && !name.endsWith(TAKEN_SUFFIX)) continue;
      const age = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age < olderThanMs) continue;
      if (name.endsWith(REQUEST_SUFFIX)) {
        const id = name.slice(0, -REQUEST_SUFFIX.length);
        try {
          renameSync(file, join(cookies, `${id}${TAKEN_SUFFIX}`));
          answer(id, { ok: false, why: 'not taken in time' });
          rmSync(join(cookies, `${id}${TAKEN_SUFFIX}`), { force: true });
        } catch {
          // withdrawn meanwhile
        }
      } else {
        rmSync(file, { force: true });
      }
    }
  };
  sweep(0);
  for (const name of readdirSync(answers)) if (name.endsWith('.tmp')) rmSync(join(answers, name), { force: true });

  const serve = async (id: string): Promise<void> => {
    const taken = join(cookies, `${id}${TAKEN_SUFFIX}`);
    try {
      renameSync(join(cookies, `${id}${REQUEST_SUFFIX}`), taken);
    } catch {
      return; // withdrawn by its hook, or taken already
    }
    let request: Buffer;
    try {
      request = readFileSync(taken);
    } finally {
      // The payload holds what the agent saw, unredacted: it does not stay on disk.
      rmSync(taken, { force: true });
    }
    const newline = request.indexOf(10);
    const header = newline === -1 ? null : (JSON.parse(request.toString('utf8', 0, newline)) as WatcherRequest);
    if (header === null || closing) {
      answer(id, { ok: false, why: header === null ? 'not a hook request' : 'the watcher is stopping' });
      return;
    }
    options.keepAlive();
    handling++;
    try {
      const stdout = await handlePayload(header.agent, request.toString('utf8', newline + 1), { cwd: header.cwd, by: 'watcher', started: header.started });
      answer(id, { ok: true, stdout });
    } catch {
      // Handled (handlePayload never throws), not answered: the hook, waiting, says it lost the
      // answer; it must not handle the event again.
    } finally {
      handling--;
    }
  };

  return {
    serves: { build: daemonBuild(), env: hookEnvironment() },
    seen: (name) => {
      if (Date.now() - swept > SWEEP_MS) sweep(STALE_MS);
      if (!name.endsWith(REQUEST_SUFFIX)) return;
      const id = name.slice(0, -REQUEST_SUFFIX.length);
      // Anything before handling began (a request that cannot be read) is declined: the hook handles it.
      void serve(id).catch(() => {
        try {
          answer(id, { ok: false, why: 'the request could not be read' });
        } catch {
          // the hook withdraws it, or says it lost it
        }
      });
    },
    close: async () => {
      closing = true;
      for (const deadline = Date.now() + CLOSE_WAIT_MS; handling > 0 && Date.now() < deadline; ) await sleep(20);
    },
  };
}
