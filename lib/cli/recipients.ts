// git trace recipients list | add KEY [--name N] [--signing-key K] | remove NAME | accept REMOTE:
// who new records are encrypted to, and whose signatures readers trust.

import { UsageError } from '../errors.js';
import { addRecipients, readRecipients, removeRecipient, sessionTipsOf, type WriteOptions } from '../store/recipients.js';
import { describeChange } from '../store/trust.js';
import { integrateMeta, trackingPrefix } from '../sync/sync.js';
import type { TraceRepo } from '../trace-repo.js';
import { parseCommand } from './args.js';
import { out, outJson, info } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace recipients [list] [--json]
   or: git trace recipients add [--name NAME] [--signing-key 'ssh-ed25519 AAAA…'] AGE_PUBLIC_KEY
   or: git trace recipients remove NAME_OR_KEY
   or: git trace recipients accept REMOTE

The age public keys this repository's new records are encrypted to, each with the signing key
its owner signs with, kept in refs/opentraces/meta and shared by push and fetch. Readers trust
sessions signed by a recipient's signing key; 'git trace init' prints yours. A change of
recipients is signed by you, and others take it on fetch only when you are one of theirs.
'accept REMOTE' takes a change that fetch refused (not signed by a current recipient): only
when you know who made it and why.
After adding or removing someone, run 'git trace rekey' to re-encrypt the sessions already
stored. Removing a recipient cannot take back what they already fetched.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { name: { type: 'string' }, 'signing-key': { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [action = 'list', target, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError('too many arguments', { hint: HELP.split('\n')[0] ?? '' });
  const repo = await context.repo();
  switch (action) {
    case 'list': {
      const recipients = await readRecipients(repo.git);
      if (args.values.json === true) outJson(recipients.map((r) => ({ version: 1, key: r.key, name: r.name ?? null, signingKey: r.signingKey ?? null })));
      else if (recipients.length === 0) info("no recipients yet: run 'git trace init'");
      else out(recipients.map((r) => `${r.key}${r.name === undefined ? '' : `  ${r.name}`}${r.signingKey === undefined ? '  (no signing key: from before signing)' : `  ${r.signingKey}`}`).join('\n'));
      return 0;
    }
    case 'add': {
      if (target === undefined) throw new UsageError('add needs an age public key', { hint: HELP.split('\n')[1]?.trim() ?? '' });
      const { name, 'signing-key': signingKey } = args.values;
      const all = await addRecipients(repo.git, [{ key: target, ...(name === undefined ? {} : { name }), ...(signingKey === undefined ? {} : { signingKey }) }], await writeOptions(repo));
      if (signingKey === undefined) info('note: no --signing-key given: sessions this recipient writes will show as untrusted until one is bound');
      out(`${all.length} recipients; run 'git trace rekey' so the sessions already stored are readable by the new one too`);
      return 0;
    }
    case 'remove': {
      if (target === undefined) throw new UsageError('remove needs a name or key', { hint: 'usage: git trace recipients remove NAME_OR_KEY' });
      const gone = await removeRecipient(repo.git, target, await writeOptions(repo));
      out(`removed ${gone.key}${gone.name === undefined ? '' : ` (${gone.name})`}; run 'git trace rekey' so it cannot read what is pushed from now on (what it already fetched stays readable to it)`);
      return 0;
    }
    case 'accept': {
      if (target === undefined) throw new UsageError('accept needs a remote', { hint: 'usage: git trace recipients accept REMOTE' });
      const result = await integrateMeta(repo, `${trackingPrefix(target)}meta`, true);
      const lines = result.changes.map((c) => `recipients: ${describeChange(c)}${c.accepted ? '' : ' (accepted by you)'}`);
      out([...lines, `recipients ${result.result}`].join('\n'));
      return 0;
    }
    default:
      throw new UsageError(`unknown action '${action}'`, { hint: 'use list, add, remove or accept' });
  }
}

async function writeOptions(repo: TraceRepo): Promise<WriteOptions> {
  return { signer: await repo.keys.signer(), sessionTips: () => sessionTipsOf(repo.git) };
}
