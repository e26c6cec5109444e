// git trace init: create the user's identity if missing and make the user a recipient of this
// repository. Never prompts: it runs unattended in scripts and hooks alike.

import { git } from '../../refs/git.js';
import { openGit } from '../../refs/handle.js';
import { ensureIdentity } from '../crypto/identity.js';
import { readSettings } from '../settings.js';
import { addRecipients } from '../store/recipients.js';
import { parseCommand } from './args.js';
import { out, outJson } from './output.js';

const HELP = `usage: git trace init [--json]

Create your age identity (if you have none) and make you a recipient of this repository,
so that sessions stored here are encrypted to you. Safe to run again.

    --json    print the result as JSON

The identity file is $GIT_TRACE_IDENTITY, or identity.txt in $XDG_CONFIG_HOME/git-trace
(default ~/.config/git-trace), mode 0600. Any age X25519 identity file works (age-keygen -o FILE).`;

export interface InitResult {
  readonly version: 1;
  readonly identityFile: string;
  readonly identityCreated: boolean;
  readonly recipient: string;
  readonly recipients: number;
}

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const handle = await openGit(process.cwd());
  try {
    const { identity, created } = await ensureIdentity(readSettings().identityFile);
    const email = await git(['config', 'user.email'], { cwd: handle.repo.gitDir, env: { GIT_DIR: handle.repo.gitDir }, okExitCodes: [1] });
    const recipients = await addRecipients(handle, [email === '' ? { key: identity.recipient } : { key: identity.recipient, name: email }]);
    const result: InitResult = { version: 1, identityFile: identity.file, identityCreated: created, recipient: identity.recipient, recipients: recipients.length };
    if (args.values.json === true) outJson(result);
    else out(renderInit(result));
    return 0;
  } finally {
    handle.close();
  }
}

function renderInit(result: InitResult): string {
  return [
    `${result.identityCreated ? 'Created' : 'Using'} identity ${result.identityFile}`,
    `Your public key: ${result.recipient}`,
    `This repository has ${result.recipients} recipient${result.recipients === 1 ? '' : 's'}; new sessions are encrypted to ${result.recipients === 1 ? 'it' : 'them'}.`,
  ].join('\n');
}
