// The first step of `git trace hook AGENT`, bundled alone (scripts/bundle.ts) so that an event
// the repository's watcher handles costs the hook process little more than starting node: read
// the payload, and hand an event that snapshots to the watcher (lib/capture/hook-client.ts).
// Everything else, and every event the watcher does not take, goes on in hook.ts.

import { appendFileSync, fstatSync, mkdirSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { nowMs } from '../clock.js';
import { JsonBytes } from '../agents/json-bytes.js';
import { askWatcher } from '../capture/hook-client.js';
import { hookLogPath } from '../capture/paths.js';
import { maySnapshot, parseHookPayload } from '../capture/payload.js';
import { daemonBuild, watchDirOf } from '../capture/watch-journal.js';
import { isAgentName } from '../model/session.js';
import { asString, field, tryParseJson } from '../model/json.js';
import { nodeTty } from '../../refs/lazy-builtins.js';
import { findRepoQuickly, stateDir, type GitRepo } from '../../refs/repo.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readSettings } from '../settings.js';

export type HookStart =
  /** The watcher handled it and what it printed is printed: nothing more to do. */
  | { readonly kind: 'done' }
  /** To handle here: the payload (null: asked for help, or run at a terminal), and when the hook started on it. */
  | { readonly kind: 'here'; readonly input: Buffer | null; readonly started: number };

export async function startHook(argv: readonly string[]): Promise<HookStart> {
  if (argv.includes('--help') || argv.includes('-h') || stdinIsTerminal()) return { kind: 'here', input: null, started: nowMs() };
  const started = nowMs();
  const input = await readStdin();
  let stdout: string | null;
  try {
    stdout = await handOver(argv[0] ?? '', input, started);
  } catch {
    stdout = null; // whatever went wrong before the watcher took the event: handled here, and logged there if it recurs
  }
  if (stdout === null) return { kind: 'here', input, started };
  if (stdout !== '') process.stdout.write(stdout);
  return { kind: 'done' };
}

/**
 * An event that snapshots, handed to the repository's watcher when one serves this work tree
 * (hook-client.ts): what to print once it is handled, or null to handle it here (the rest is
 * cheaper here than a connection). An event the watcher may have handled before it stopped is
 * not handled again (it would be spooled twice): it is logged.
 */
async function handOver(agent: string, input: Buffer, started: number): Promise<string | null> {
  if (readSettings().watchIdleMs === null || !isAgentName(agent)) return null;
  // A payload that is not JSON, or a folder outside any repository, is handled (and logged) here.
  const payload = tryParseJson(input.toString('utf8'));
  if (payload === undefined) return null;
  try {
    if (!maySnapshot(parseHookPayload(agent, payload))) return null;
  } catch {
    return null;
  }
  const cwd = asString(field(payload, 'cwd')) ?? process.cwd();
  let repo: GitRepo;
  try {
    repo = await findRepoQuickly(cwd);
  } catch {
    return null;
  }
  if (repo.workTree === null) return null;
  const answer = askWatcher({ watchDir: watchDirOf(stateDir(repo)), workTree: repo.workTree, build: daemonBuild() }, { agent, cwd, started }, input);
  if (answer.kind === 'served') return answer.stdout;
  if (answer.kind === 'lost') logHookError(repo, agent, answer.why);
  return answer.kind === 'lost' ? '' : null;
}

function logHookError(repo: GitRepo, agent: string, why: string): void {
  try {
    mkdirSync(dirname(hookLogPath(repo)), { recursive: true, mode: PRIVATE_DIR_MODE });
    appendFileSync(hookLogPath(repo), `${new Date().toISOString()} ${agent}: ${why}\n`, { mode: PRIVATE_FILE_MODE });
  } catch {
    // The agent carries on whatever happens here.
  }
}

/**
 * The payload; a huge one (a tool that printed megabytes) with its long strings cut, as a
 * transcript line's are. Read with plain blocking reads: `process.stdin` would load node's
 * stream and socket machinery, a few milliseconds of every hook; a non-blocking stdin (EAGAIN)
 * is read the stream's way from where the reads stopped.
 */
function readStdin(): Promise<Buffer> {
  const payload = new JsonBytes();
  const chunk = Buffer.allocUnsafe(STDIN_CHUNK);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, STDIN_CHUNK, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return readStdinStream(payload);
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      return Promise.resolve(payload.bytes());
    }
    if (n === 0) break;
    payload.add(chunk, 0, n); // copied from: the chunk is read into again
  }
  return Promise.resolve(payload.bytes());
}

const STDIN_CHUNK = 64 * 1024;

function readStdinStream(payload: JsonBytes): Promise<Buffer> {
  return new Promise((resolve) => {
    process.stdin.on('data', (chunk: Buffer) => payload.add(chunk));
    process.stdin.on('end', () => resolve(payload.bytes()));
    process.stdin.on('error', () => resolve(payload.bytes()));
  });
}

/** A terminal on stdin (someone ran the hook by hand); asked without making `process.stdin`. */
function stdinIsTerminal(): boolean {
  try {
    // Only a character device can be a terminal: a pipe (the agents' way) loads nothing more.
    return fstatSync(0).isCharacterDevice() && nodeTty().isatty(0);
  } catch {
    return false;
  }
}
