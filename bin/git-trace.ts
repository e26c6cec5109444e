#!/usr/bin/env node
// git-trace: git runs this for `git trace …`. Thin: find the command in the table, load its
// module lazily (a hook never pays for `blame`), give it the repository (opened once, closed
// after), run it, print an error once, exit 0/1/2.
// Nothing is imported up front: `hook` runs on every tool call an agent makes, and takes the
// shortest way in (loadHook) without loading the table or the error printer.

import type { CommandContext, CommandEntry, CommandModule } from '../lib/cli/commands.js';
import type { TraceRepo } from '../lib/trace-repo.js';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'hook') return (await loadHook()).run(rest, NO_REPOSITORY);
  const { usage } = await import('../lib/cli/commands.js');
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    // `help CMD [SUB]` is `CMD [SUB] --help`. Git answers `git trace --help` itself, with the
    // manual page (scripts/man.ts); run directly, git-trace prints the command list.
    const topic = name === 'help' ? rest : [];
    if (topic[0] !== undefined) return main([(await commandNamed(topic[0])).name, ...topic.slice(1), '--help']);
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../lib/version.js');
    process.stdout.write(`git-trace ${VERSION}\n`);
    return 0;
  }
  const command = await commandNamed(name);
  const help = rest.includes('--help') || rest.includes('-h');
  const context = new RepoContext(command.needs === 'repository' && !help);
  try {
    const module = await command.load();
    return await module.run(rest, context);
  } finally {
    await context.close();
  }
}

async function commandNamed(name: string): Promise<CommandEntry> {
  const { COMMANDS, findCommand } = await import('../lib/cli/commands.js');
  const command = findCommand(name);
  if (command === undefined) {
    const { UsageError } = await import('../lib/errors.js');
    throw new UsageError(`'${name}' is not a git trace command`, { hint: `the commands are: ${COMMANDS.map((c) => c.name).join(', ')}` });
  }
  return command;
}

/** The repository a command asks for: looked for early when the command needs it, opened once. */
class RepoContext implements CommandContext {
  private opening: Promise<TraceRepo> | null = null;

  constructor(early: boolean) {
    if (early) {
      this.opening = openHere();
      // A command that fails on its arguments never asks: its own error is the one to print.
      this.opening.catch(() => undefined);
    }
  }

  repo(): Promise<TraceRepo> {
    return (this.opening ??= openHere());
  }

  async close(): Promise<void> {
    const repo = await this.opening?.catch(() => null);
    repo?.close();
  }
}

async function openHere(): Promise<TraceRepo> {
  const { openCliRepo } = await import('../lib/cli/repo.js');
  return openCliRepo();
}

/** The hook takes the repository of its payload's cwd, never this one. */
const NO_REPOSITORY: CommandContext = {
  repo: () => Promise.reject(new Error('the hook finds its repository from its payload')),
};

/**
 * The hook command, when this module is run directly (the package's entry, git-trace.cts, takes
 * the bundled hook itself): the module the command table names.
 */
function loadHook(): Promise<CommandModule> {
  return import('../lib/cli/hook.js');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const { printError } = await import('../lib/cli/output.js');
    process.exitCode = printError(error);
  },
);
