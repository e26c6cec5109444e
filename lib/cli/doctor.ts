// git trace doctor: is capture wired and healthy? One line per check, each ok or what to do.

import { runDoctor, type Check } from '../doctor.js';
import { parseCommand } from './args.js';
import { out, outJson, paint, type Style } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace doctor [--json]

Check what capture needs: git-trace on PATH, your identity and this repository's recipients,
each agent's hooks, transcripts found and imported, the spool backlog, the search index,
the last hook errors and the hooks' recent timing. Each line is ok, or says what to do.
Exits 1 when something is broken (not for warnings).

    --json   print the checks as JSON`;

const STYLE: Readonly<Record<Check['status'], Style>> = { ok: 'green', warn: 'yellow', error: 'red' };

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const checks = await runDoctor(repo, process.env);
  if (args.values.json === true) outJson({ version: 1, checks });
  else out(render(checks));
  return checks.some((c) => c.status === 'error') ? 1 : 0;
}

function render(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => {
      const line = `${paint(STYLE[c.status], c.status.padEnd(5))}  ${c.name.padEnd(width)}  ${c.detail}`;
      return c.hint === undefined ? line : `${line}\n${' '.repeat(9 + width)}hint: ${c.hint}`;
    })
    .join('\n');
}
