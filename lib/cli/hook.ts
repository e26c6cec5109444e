// git trace hook AGENT: what an agent runs on each hook event, with its payload on stdin.
// It never fails the agent: any error goes to <git-common-dir>/opentraces/logs/hook.log and the
// exit code is 0 with nothing on stdout, which every agent reads as "carry on unchanged".

import { appendFileSync, fstatSync, mkdirSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nowMs } from '../clock.js';
import { JsonBytes } from '../agents/json-bytes.js';
import { factsOf } from '../agents/facts.js';
import { handleHookEvent, hookPhases } from '../capture/hook.js';
import { hookLogPath } from '../capture/paths.js';
import { parseHookPayload } from '../capture/payload.js';
import { AGENTS, isAgentName } from '../model/session.js';
import { asString, field, tryParseJson } from '../model/json.js';
import { nodeTty } from '../../refs/lazy-builtins.js';
import { findRepoQuickly, type GitRepo } from '../../refs/repo.js';
import type { HookEvent } from '../capture/payload.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readSettings } from '../settings.js';

const HELP = `usage: git trace hook AGENT < PAYLOAD

Run as AGENT's hook (${AGENTS.join(', ')}): read the hook payload (JSON) on standard input,
snapshot the work tree around tool calls, and spool what changed; at stop and session end,
store it (in the background). Installed by 'git trace hooks install'; not meant to be run by
hand. Always exits 0: errors go to <git-common-dir>/opentraces/logs/hook.log.`;

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || stdinIsTerminal()) {
    process.stdout.write(`${HELP}\n`);
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const started = nowMs();
  const input = await readStdin();
  const payload = tryParseJson(input);
  const cwd = asString(field(payload, 'cwd')) ?? process.cwd();
  const agent = argv[0] ?? '';
  let eventName = asString(field(payload, 'hook_event_name')) ?? '?';
  let logs = join(readSettings().configDir, 'logs');
  try {
    const repo = await findRepoQuickly(cwd);
    logs = dirname(hookLogPath(repo));
    if (!isAgentName(agent)) throw new Error(`unknown agent '${agent}' (expected one of ${AGENTS.join(', ')})`);
    if (payload === undefined) throw new Error(`the payload is not JSON (${input.length} bytes)`);
    const event = parseHookPayload(agent, payload);
    eventName = event.name;
    const { backgroundFlush, watchIdleMs } = readSettings();
    await handleHookEvent(repo, event, { backgroundFlush, watchIdleMs });
    if (event.kind === 'session-start') await injectPriorContext(repo, event);
    const phases = Object.entries(hookPhases).map(([phase, ms]) => `${phase}=${ms}`).join(' ');
    appendLog(logs, 'hook-times.log', `${new Date().toISOString()}\t${agent}\t${eventName}\t${Math.round(nowMs() - started)}\t${phases}`);
  } catch (error) {
    appendLog(logs, 'hook.log', `${new Date().toISOString()} ${agent} ${eventName}: ${(error as Error).message}`);
  }
  return 0;
}

const CONTEXT_LIMIT_MS = 3000;
const CONTEXT_MAX_BYTES = 4000;

/**
 * Opt-in (`git config trace.injectContext true`): at session start, hand the agent what earlier
 * sessions did on the files being worked on, as Claude Code's (and Gemini's) `additionalContext`.
 * Bounded in size and time; prints nothing when nothing is relevant.
 */
async function injectPriorContext(repo: GitRepo, event: HookEvent): Promise<void> {
  if (factsOf(event.agent).takesStartContext !== true) return;
  const { readRepoConfig } = await import('../repo-config.js');
  if (!(await readRepoConfig(repo)).injectContext) return;
  const { openRepo } = await import('../trace-repo.js');
  const { priorContext } = await import('../ctx/prior-context.js');
  const traceRepo = await openRepo(event.cwd);
  try {
    const timeout = new Promise<null>((resolve) => setTimeout(resolve, CONTEXT_LIMIT_MS, null).unref());
    const found = await Promise.race([priorContext(traceRepo, { exclude: [event.sessionId], maxBytes: CONTEXT_MAX_BYTES }), timeout]);
    if (found === null || found.text === '') return;
    process.stdout.write(`${JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: found.text } })}\n`);
  } finally {
    traceRepo.close();
  }
}

/**
 * The payload; a huge one (a tool that printed megabytes) with its long strings cut, as a
 * transcript line's are. Read with plain blocking reads: `process.stdin` would load node's
 * stream and socket machinery, a few milliseconds of every hook; a non-blocking stdin (EAGAIN)
 * is read the stream's way from where the reads stopped.
 */
function readStdin(): Promise<string> {
  const payload = new JsonBytes();
  const chunk = Buffer.allocUnsafe(STDIN_CHUNK);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, STDIN_CHUNK, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return readStdinStream(payload);
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      return Promise.resolve(payload.bytes().toString('utf8'));
    }
    if (n === 0) break;
    payload.add(chunk, 0, n); // copied from: the chunk is read into again
  }
  return Promise.resolve(payload.bytes().toString('utf8'));
}

const STDIN_CHUNK = 64 * 1024;

function readStdinStream(payload: JsonBytes): Promise<string> {
  return new Promise((resolve) => {
    process.stdin.on('data', (chunk: Buffer) => payload.add(chunk));
    process.stdin.on('end', () => resolve(payload.bytes().toString('utf8')));
    process.stdin.on('error', () => resolve(payload.bytes().toString('utf8')));
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

function appendLog(dir: string, name: string, line: string): void {
  // A read-only .git: log in the user's config directory instead; failing that, stay silent,
  // because the agent must carry on whatever happens here.
  for (const target of [dir, join(readSettings().configDir, 'logs')]) {
    try {
      mkdirSync(target, { recursive: true, mode: PRIVATE_DIR_MODE });
      appendFileSync(join(target, name), `${line.replace(/\n/g, ' ')}\n`, { mode: PRIVATE_FILE_MODE });
      return;
    } catch {
      continue;
    }
  }
}
