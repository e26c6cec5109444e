// git trace recipients list | add KEY [--name N] | remove NAME: who new records are encrypted to.

import { UsageError } from '../errors.js';
import { addRecipients, readRecipients, removeRecipient } from '../store/recipients.js';
import { openCliRepo } from './repo.js';
import { parseCommand } from './args.js';
import { out, outJson, info } from './output.js';

const HELP = `usage: git trace recipients [list] [--json]
   or: git trace recipients add [--name NAME] AGE_PUBLIC_KEY
   or: git trace recipients remove NAME_OR_KEY

The age public keys this repository's new records are encrypted to, kept in
refs/opentraces/meta and shared by push and fetch. After adding or removing someone, run
'git trace rekey' to re-encrypt the sessions already stored.
Removing a recipient cannot take back what they already fetched.`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { name: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [action = 'list', target, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError('too many arguments', { hint: HELP.split('\n')[0] ?? '' });
  const repo = await openCliRepo();
  try {
    switch (action) {
      case 'list': {
        const recipients = await readRecipients(repo.git);
        if (args.values.json === true) outJson(recipients.map((r) => ({ version: 1, key: r.key, name: r.name ?? null })));
        else if (recipients.length === 0) info("no recipients yet: run 'git trace init'");
        else out(recipients.map((r) => `${r.key}${r.name === undefined ? '' : `  ${r.name}`}`).join('\n'));
        return 0;
      }
      case 'add': {
        if (target === undefined) throw new UsageError('add needs an age public key', { hint: 'usage: git trace recipients add [--name NAME] AGE_PUBLIC_KEY' });
        const all = await addRecipients(repo.git, [args.values.name === undefined ? { key: target } : { key: target, name: args.values.name }]);
        out(`${all.length} recipients; run 'git trace rekey' so the sessions already stored are readable by the new one too`);
        return 0;
      }
      case 'remove': {
        if (target === undefined) throw new UsageError('remove needs a name or key', { hint: 'usage: git trace recipients remove NAME_OR_KEY' });
        const gone = await removeRecipient(repo.git, target);
        out(`removed ${gone.key}${gone.name === undefined ? '' : ` (${gone.name})`}; run 'git trace rekey' so it cannot read what is pushed from now on (what it already fetched stays readable to it)`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action '${action}'`, { hint: 'use list, add or remove' });
    }
  } finally {
    repo.close();
  }
}
