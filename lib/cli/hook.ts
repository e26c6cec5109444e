// git trace hook AGENT: what an agent runs on each hook event, with its payload on stdin.
// It never fails the agent: any error goes to <git-common-dir>/opentraces/logs/hook.log and the
// exit code is 0 with nothing on stdout, which every agent reads as "carry on unchanged".
// The entry (bin/git-trace.cts) first loads hook-handover.ts alone, a small bundle that hands
// the event to the repository's watcher; this module, with all the capture code, only when the
// event is to be handled in this process.

import { handlePayload } from '../capture/hook-entry.js';
import { AGENTS } from '../model/session.js';
import { startHook, type HookStart } from './hook-handover.js';

const HELP = `usage: git trace hook AGENT < PAYLOAD

Run as AGENT's hook (${AGENTS.join(', ')}): read the hook payload (JSON) on standard input,
snapshot the work tree around tool calls, and spool what changed; at stop and session end,
store it (in the background). Installed by 'git trace hooks install'; not meant to be run by
hand. Always exits 0: errors go to <git-common-dir>/opentraces/logs/hook.log.`;

export async function run(argv: readonly string[]): Promise<number> {
  const start = await startHook(argv);
  return start.kind === 'done' ? 0 : runHere(argv, start);
}

/** The event the watcher did not take (hook-handover.ts), handled in this process; or the help. */
export async function runHere(argv: readonly string[], start: HookStart & { kind: 'here' }): Promise<number> {
  if (start.input === null) {
    process.stdout.write(`${HELP}\n`);
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const stdout = await handlePayload(argv[0] ?? '', start.input.toString('utf8'), { cwd: process.cwd(), by: 'hook', started: start.started });
  if (stdout !== '') process.stdout.write(stdout);
  return 0;
}
