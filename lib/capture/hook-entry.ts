// One hook event, from its payload's bytes to what the agent reads back: the work both the hook
// process does (when no watcher serves it) and the repository's watcher does for it (warm, with
// nothing to load: hook-server.ts). It never throws: an error goes to
// <git-common-dir>/opentraces/logs/hook.log, and the agent carries on unchanged.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importLazily } from '../../refs/lazy-builtins.js';
import { findRepoQuickly, type GitRepo } from '../../refs/repo.js';
import { factsOf } from '../agents/facts.js';
import { nowMs } from '../clock.js';
import { AGENTS, isAgentName } from '../model/session.js';
import { asString, field, tryParseJson } from '../model/json.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readSettings } from '../settings.js';
import { handleHookEvent, hookPhases } from './hook.js';
import { hookLogPath } from './paths.js';
import { parseHookPayload, type HookEvent } from './payload.js';

export interface HookRun {
  /** The hook process's working directory: where an event without `cwd` happened. */
  readonly cwd: string;
  /** Who handles it: the hook's own process, or the repository's watcher on its behalf. */
  readonly by: 'hook' | 'watcher';
  /** When the hook process started on it (nowMs), for the time logged. */
  readonly started: number;
}

/** Handles the event; what to print on the agent's standard output ('' nearly always). */
export async function handlePayload(agent: string, input: string, run: HookRun): Promise<string> {
  const payload = tryParseJson(input);
  const cwd = asString(field(payload, 'cwd')) ?? run.cwd;
  let eventName = asString(field(payload, 'hook_event_name')) ?? '?';
  let logs = join(readSettings().configDir, 'logs');
  let stdout = '';
  try {
    const repo = await findRepoQuickly(cwd);
    logs = dirname(hookLogPath(repo));
    if (!isAgentName(agent)) throw new Error(`unknown agent '${agent}' (expected one of ${AGENTS.join(', ')})`);
    if (payload === undefined) throw new Error(`the payload is not JSON (${input.length} bytes)`);
    const event = parseHookPayload(agent, payload);
    eventName = event.name;
    const { backgroundFlush, watchIdleMs } = readSettings();
    // Phases are this process's alone: the watcher serves events side by side, and names none.
    for (const phase of Object.keys(hookPhases)) delete hookPhases[phase];
    await handleHookEvent(repo, event, { backgroundFlush, watchIdleMs, inWatcher: run.by === 'watcher' });
    if (event.kind === 'session-start') stdout = await priorContext(repo, event);
    const phases = run.by === 'watcher' ? 'by=watcher' : Object.entries(hookPhases).map(([phase, ms]) => `${phase}=${ms}`).join(' ');
    appendLog(logs, 'hook-times.log', `${new Date().toISOString()}\t${agent}\t${eventName}\t${Math.round(nowMs() - run.started)}\t${phases}`);
  } catch (error) {
    appendLog(logs, 'hook.log', `${new Date().toISOString()} ${agent} ${eventName}: ${(error as Error).message}`);
  }
  return stdout;
}

const CONTEXT_LIMIT_MS = 3000;
const CONTEXT_MAX_BYTES = 4000;

/**
 * Opt-in (`git config trace.injectContext true`): at session start, hand the agent what earlier
 * sessions did on the files being worked on, as Claude Code's (and Gemini's) `additionalContext`.
 * Bounded in size and time; '' when nothing is relevant.
 */
async function priorContext(repo: GitRepo, event: HookEvent): Promise<string> {
  if (factsOf(event.agent).takesStartContext !== true) return '';
  const { readRepoConfig } = await import('../repo-config.js');
  if (!(await readRepoConfig(repo)).injectContext) return '';
  // Neither is in the hook's bundle: most sessions never need the store here.
  const { openRepo } = await importLazily<typeof import('../trace-repo.js')>(new URL('../trace-repo.js', import.meta.url).href);
  const { priorContext: findPriorContext } = await importLazily<typeof import('../ctx/prior-context.js')>(new URL('../ctx/prior-context.js', import.meta.url).href);
  const traceRepo = await openRepo(event.cwd);
  try {
    const timeout = new Promise<null>((resolve) => setTimeout(resolve, CONTEXT_LIMIT_MS, null).unref());
    const found = await Promise.race([findPriorContext(traceRepo, { exclude: [event.sessionId], maxBytes: CONTEXT_MAX_BYTES }), timeout]);
    if (found === null || found.text === '') return '';
    return `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: found.text } })}\n`;
  } finally {
    traceRepo.close();
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
