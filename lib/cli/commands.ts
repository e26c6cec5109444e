// The one command table. Each entry loads its module only when it runs.

export interface CommandModule {
  /** Run with the arguments after the command name; resolve to the exit code. */
  run(argv: readonly string[]): Promise<number>;
}

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', summary: 'create your identity and make you a recipient of this repository', load: () => import('./init.js') },
  { name: 'import', summary: "import sessions from the agents' transcript files", load: () => import('./import.js') },
  { name: 'list', summary: 'list the sessions stored in this repository', load: () => import('./list.js') },
  { name: 'show', summary: "show a session's metadata and timeline, or one step", load: () => import('./show.js') },
  { name: 'hook', summary: "run as an agent's hook: snapshot, diff, spool (never fails the agent)", load: () => import('./hook.js') },
  { name: 'hooks', summary: "install, remove or check git-trace's hooks in each agent's config", load: () => import('./hooks.js') },
  { name: 'flush', summary: 'store what live capture spooled (also run at stop and session end)', load: () => import('./flush.js') },
  { name: 'doctor', summary: 'check hooks, transcripts, spool, index and keys; say what to do', load: () => import('./doctor.js') },
  { name: 'search', summary: 'search prompts, commands, paths and messages of every session', load: () => import('./search.js') },
  { name: 'index', summary: 'bring the local search index up to date (or --rebuild it)', load: () => import('./index-cmd.js') },
  { name: 'blame', summary: 'which session, step and prompt produced each line (blame pr: for a branch)', load: () => import('./blame.js') },
  { name: 'track', summary: "did a session's work survive: each patch's anchors and state", load: () => import('./track.js') },
  { name: 'capsule', summary: 'seal, open and replay bug capsules', load: () => import('./capsule.js') },
  { name: 'replay', summary: "play a session's timeline step by step", load: () => import('./replay.js') },
  { name: 'checkout', summary: 'the work tree as it was after a step, in a new worktree', load: () => import('./checkout.js') },
  { name: 'resume', summary: 'a compact context packet to continue from a step with any agent', load: () => import('./resume.js') },
  { name: 'context', summary: 'prior-session context relevant to files or the current branch', load: () => import('./context.js') },
  { name: 'push', summary: 'send sessions and recipients to a remote (ciphertext only)', load: () => import('./sync.js').then((m) => ({ run: m.runPush })) },
  { name: 'fetch', summary: "bring a remote's sessions in and merge them, never overwriting yours", load: () => import('./sync.js').then((m) => ({ run: m.runFetch })) },
  { name: 'sync', summary: 'fetch, then push', load: () => import('./sync.js').then((m) => ({ run: m.runSync })) },
  { name: 'recipients', summary: 'list, add or remove who new records are encrypted to', load: () => import('./recipients.js') },
  { name: 'forget', summary: 'remove sessions here and, on push, from the remote; leave a signed tombstone', load: () => import('./forget.js') },
  { name: 'rekey', summary: 're-encrypt stored sessions to the current recipients', load: () => import('./rekey.js') },
  { name: 'mcp', summary: 'a read-only MCP server over stdio: agents ask for sessions, blame and track', load: () => import('./mcp.js') },
  { name: 'cost', summary: 'tokens and cost of the stored sessions', load: () => import('./cost.js') },
  { name: 'verify', summary: 'decrypt and check every stored session', load: () => import('./verify.js') },
  { name: 'demo', summary: 'run a demonstration in a throw-away repository', load: () => import('./demo.js') },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `   ${c.name.padEnd(width)}   ${c.summary}`);
  return `usage: git trace <command> [<args>]\n\n${lines.join('\n')}\n\nSee 'git trace help <command>' for a command's options, 'man git-trace' for the manual.\n`;
}
