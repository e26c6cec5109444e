#!/usr/bin/env node
// git-trace: git runs this for `git trace …`. Thin: find the command in the table, load its
// module lazily (a hook never pays for `blame`), run it, print an error once, exit 0/1/2.

import { COMMANDS, findCommand, usage } from '../lib/cli/commands.js';
import { printError } from '../lib/cli/output.js';
import { UsageError } from '../lib/errors.js';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && findCommand(topic) !== undefined) return main([topic, '--help']);
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../lib/version.js');
    process.stdout.write(`git-trace ${VERSION}\n`);
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) {
    throw new UsageError(`'${name}' is not a git trace command`, { hint: `the commands are: ${COMMANDS.map((c) => c.name).join(', ')}` });
  }
  const module = await command.load();
  return module.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = printError(error);
  },
);
