// git trace rekey: re-encrypt every stored session to the current recipients.

import { TraceError } from '../errors.js';
import { rekeySession } from '../store/rekey.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace rekey [--json]

Re-encrypt every session stored here to the repository's current recipients (one new commit
per session). Run it after 'git trace recipients add' or 'remove', then 'git trace push'.
A removed recipient keeps whatever it already fetched: rekey protects what comes after.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const refs = await repo.sessions.refs();
  const failed: { id: string; error: string }[] = [];
  let done = 0;
  for (const [i, ref] of refs.entries()) {
    if (process.stderr.isTTY === true) process.stderr.write(`\rrekeying ${i + 1}/${refs.length}`);
    try {
      await rekeySession(repo, ref.id);
      done++;
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      failed.push({ id: ref.id, error: error.message });
      warn(`cannot rekey session '${ref.id}': ${error.message}`);
    }
  }
  if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[K');
  if (args.values.json === true) outJson({ version: 1, rekeyed: done, failed });
  else out(`rekeyed ${plural(done, 'session')}${failed.length > 0 ? `; ${failed.length} failed (see the warnings)` : ''}`);
  return failed.length > 0 ? 1 : 0;
}
