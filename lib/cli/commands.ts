// The one command table. Each entry loads its module only when it runs. A command asks the
// entry point (bin/git-trace.ts) for the repository through its context; the entry point opens
// it once and closes it when the command is done. An entry that `needs` the repository has it
// looked for while its module loads; the others ('nothing') may never ask: init makes what it
// needs, hook takes the repository of its payload's cwd, demo makes one, mcp opens the one
// its --repo names for as long as it serves, capsule open and replay work outside any.

import type { TraceRepo } from '../trace-repo.js';

/** What the entry point gives a command. */
export interface CommandContext {
  /** This directory's repository, opened once (on the first call) and closed after the command. */
  repo(): Promise<TraceRepo>;
}

export interface CommandModule {
  /** Run with the arguments after the command name; resolve to the exit code. */
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}

export type CommandNeeds = 'nothing' | 'repository';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly needs: CommandNeeds;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', summary: 'create your identity and make you a recipient of this repository', needs: 'nothing', load: () => import('./init.js') },
  { name: 'import', summary: "import sessions from the agents' transcript files", needs: 'repository', load: () => import('./import.js') },
  { name: 'list', summary: 'list the sessions stored in this repository', needs: 'repository', load: () => import('./list.js') },
  { name: 'show', summary: "show a session's metadata and timeline, or one step", needs: 'repository', load: () => import('./show.js') },
  { name: 'hook', summary: "run as an agent's hook: snapshot, diff, spool (never fails the agent)", needs: 'nothing', load: () => import('./hook.js') },
  { name: 'hooks', summary: "install, remove or check git-trace's hooks in each agent's config", needs: 'nothing', load: () => import('./hooks.js') },
  { name: 'flush', summary: 'store what live capture spooled (also run at stop and session end)', needs: 'repository', load: () => import('./flush.js') },
  { name: 'doctor', summary: 'check hooks, transcripts, spool, index and keys; say what to do', needs: 'repository', load: () => import('./doctor.js') },
  { name: 'search', summary: 'search prompts, commands, paths and messages of every session', needs: 'repository', load: () => import('./search.js') },
  { name: 'index', summary: 'bring the local search index up to date (or --rebuild it)', needs: 'repository', load: () => import('./index-cmd.js') },
  { name: 'blame', summary: 'which session, step and prompt produced each line (blame pr: for a branch)', needs: 'repository', load: () => import('./blame.js') },
  { name: 'track', summary: "did a session's work survive: each patch's anchors and state", needs: 'repository', load: () => import('./track.js') },
  { name: 'capsule', summary: 'seal, open, replay and bisect bug capsules', needs: 'nothing', load: () => import('./capsule.js') },
  { name: 'replay', summary: "play a session's timeline step by step", needs: 'repository', load: () => import('./replay.js') },
  { name: 'checkout', summary: 'the work tree as it was after a step, in a new worktree', needs: 'repository', load: () => import('./checkout.js') },
  { name: 'bisect', summary: 'the first step of a session after which a test fails (or passes)', needs: 'repository', load: () => import('./bisect.js') },
  { name: 'audit', summary: 'risky actions agents took (destructive commands, secrets, force pushes), by rule', needs: 'repository', load: () => import('./audit.js') },
  { name: 'insights', summary: 'what went wrong in a session (failures, loops, re-steers, wasted context) and a score', needs: 'repository', load: () => import('./insights.js') },
  { name: 'compare', summary: 'two sessions side by side: steps, tools, failures, tokens, cost, files, end states', needs: 'repository', load: () => import('./compare.js') },
  { name: 'resume', summary: 'a compact context packet to continue from a step with any agent', needs: 'repository', load: () => import('./resume.js') },
  { name: 'context', summary: 'prior-session context relevant to files or the current branch', needs: 'repository', load: () => import('./context.js') },
  { name: 'mcp', summary: 'a read-only MCP server over stdio: agents ask for sessions, blame and track', needs: 'nothing', load: () => import('./mcp.js') },
  { name: 'push', summary: 'send sessions and recipients to a remote (ciphertext only)', needs: 'repository', load: () => import('./sync.js').then((m) => ({ run: m.runPush })) },
  { name: 'fetch', summary: "bring a remote's sessions in and merge them, never overwriting yours", needs: 'repository', load: () => import('./sync.js').then((m) => ({ run: m.runFetch })) },
  { name: 'sync', summary: 'fetch, then push', needs: 'repository', load: () => import('./sync.js').then((m) => ({ run: m.runSync })) },
  { name: 'recipients', summary: 'list, add or remove who new records are encrypted to', needs: 'repository', load: () => import('./recipients.js') },
  { name: 'forget', summary: 'remove sessions here and, on push, from the remote; leave a signed tombstone', needs: 'repository', load: () => import('./forget.js') },
  { name: 'rekey', summary: 're-encrypt stored sessions to the current recipients', needs: 'repository', load: () => import('./rekey.js') },
  { name: 'stats', summary: 'lines by agents and by people over a range, and how much of the agents\' work survives', needs: 'repository', load: () => import('./stats.js') },
  { name: 'cost', summary: 'tokens and cost of the stored sessions', needs: 'repository', load: () => import('./cost.js') },
  { name: 'verify', summary: 'decrypt and check every stored session', needs: 'repository', load: () => import('./verify.js') },
  { name: 'export', summary: 'sessions and line attribution for other tools: agent-trace, atif, otlp, jsonl', needs: 'repository', load: () => import('./export.js') },
  { name: 'serve', summary: 'a local, read-only web dashboard: sessions, timelines, blame, survival', needs: 'repository', load: () => import('./serve.js') },
  { name: 'demo', summary: 'run a demonstration in a throw-away repository', needs: 'nothing', load: () => import('./demo.js') },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `   ${c.name.padEnd(width)}   ${c.summary}`);
  return `usage: git trace <command> [<args>]\n\n${lines.join('\n')}\n\nSee 'git trace help <command>' for a command's options, 'man git-trace' for the manual.\n`;
}
