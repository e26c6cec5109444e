// The watcher's side of hook-client.ts: hooks hand their events over as request files in the
// cookie folder (private to the user, as the watch folder is). Each is taken (renamed, so that a
// hook that withdrew it meanwhile keeps it), handled as the hook would handle it
// (hook-entry.ts) in this warm process, and answered once handled. The watcher says what it
// serves in daemon.json (its build and environment), so hooks of another build or environment
// never ask it; it declines what still is not its own (another work tree).

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { ANSWER_DIR, hookEnvironment, REQUEST_SUFFIX, TAKEN_SUFFIX, type ServedHooks, type WatcherRequest } from './hook-client.js';
import { COOKIE_DIR, daemonBuild } from './watch-journal.js';

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

  // What a watcher that stopped left: a request it never took is declined (its hook, if still
  // waiting, then handles it), one it took and never answered is dropped (it may have been
  // handled: its hook says so in its log), answers nobody read are removed. Payloads do not stay.
  for (const name of readdirSync(cookies)) {
    const id = name.endsWith(REQUEST_SUFFIX) ? name.slice(0, -REQUEST_SUFFIX.length) : null;
    if (id !== null) {
      try {
        renameSync(join(cookies, name), join(cookies, `${id}${TAKEN_SUFFIX}`));
        answer(id, { ok: false, why: 'the watcher restarted' });
      } catch {
        // withdrawn meanwhile
      }
    }
    if (id !== null || name.includes(REQUEST_SUFFIX) || name.endsWith(TAKEN_SUFFIX)) rmSync(join(cookies, id === null ? name : `${id}${TAKEN_SUFFIX}`), { force: true });
  }
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
