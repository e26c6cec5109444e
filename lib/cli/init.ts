// git trace init: create the user's identity if missing and make the user a recipient of this
// repository. Never prompts: it runs unattended in scripts and hooks alike.

import { createInterface } from 'node:readline/promises';
import { git } from '../../refs/git.js';
import { stateDir } from '../../refs/repo.js';
import { defaultAgents, hookStatus, installHooks } from '../hooks/index.js';
import type { AgentName } from '../model/session.js';
import { openGit } from '../../refs/handle.js';
import { ensureIdentity, warnIfIdentityShared } from '../crypto/identity.js';
import { ensureSigningKey, GIT_NAMESPACE } from '../crypto/signing.js';
import { readSettings } from '../settings.js';
import { commitSignerOf } from '../store/keyring.js';
import { addRecipients, sessionTipsOf } from '../store/recipients.js';
import { parseCommand } from './args.js';
import { out, outJson, warn } from './output.js';

const HELP = `usage: git trace init [--hooks] [--json]

Create your age identity and signing key (if you have none) and make you a recipient of this
repository, so that sessions stored here are encrypted to you and what you write is signed by
you. In a repository from before signing, it binds your signing key to your entry. Then, for the coding agents found on this
machine whose hooks are not wired yet, offer to install git-trace's hooks (user scope): it asks
on a terminal, installs with --hooks, and otherwise only says how. Safe to run again.

    --hooks   install the hooks for every agent found, without asking
    --json    print the result as JSON

The identity file is $GIT_TRACE_IDENTITY, or identity.txt in $XDG_CONFIG_HOME/git-trace
(default ~/.config/git-trace), mode 0600. Any age X25519 identity file works (age-keygen -o FILE).
The signing key sits beside it (identity.signing-key: an OpenSSH ed25519 key, mode 0600).

Making yourself a recipient here changes only your clone: others take the change only when a
current recipient adds you (git trace recipients add --signing-key KEY --name NAME AGE_KEY).`;

export interface InitResult {
  readonly version: 1;
  readonly identityFile: string;
  readonly identityCreated: boolean;
  readonly recipient: string;
  readonly signingKey: string;
  readonly signingKeyCreated: boolean;
  readonly recipients: number;
  /** Agents found on this machine whose hooks are not installed (before this run). */
  readonly agentsWithoutHooks: readonly AgentName[];
  readonly hooksInstalled: readonly AgentName[];
}

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { hooks: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const handle = await openGit(process.cwd());
  try {
    const settings = readSettings();
    const { identity, created } = await ensureIdentity(settings.identityFile);
    warnIfIdentityShared(identity.file, warn);
    const signing = await ensureSigningKey(settings.signingKeyFile);
    const email = await git(['config', 'user.email'], { cwd: handle.repo.gitDir, env: { GIT_DIR: handle.repo.gitDir }, okExitCodes: [1] });
    const me = { key: identity.recipient, signingKey: signing.key.publicKey, ...(email === '' ? {} : { name: email }) };
    const recipients = await addRecipients(handle, [me], { signer: commitSignerOf(signing.key, GIT_NAMESPACE), sessionTips: () => sessionTipsOf(handle) });
    const place = { env: process.env, workTree: handle.repo.workTree, stateDir: stateDir(handle.repo) };
    const unwired = await agentsWithoutHooks(place);
    const install = unwired.length > 0 && (args.values.hooks === true || (args.values.json !== true && (await confirm(`Install git-trace's hooks for ${unwired.join(', ')}? [Y/n] `))));
    if (install) await installHooks({ agents: unwired, scope: 'user', ...place });
    const result: InitResult = {
      version: 1,
      identityFile: identity.file,
      identityCreated: created,
      recipient: identity.recipient,
      signingKey: signing.key.publicKey,
      signingKeyCreated: signing.created,
      recipients: recipients.length,
      agentsWithoutHooks: unwired,
      hooksInstalled: install ? unwired : [],
    };
    if (args.values.json === true) outJson(result);
    else out(renderInit(result));
    return 0;
  } finally {
    handle.close();
  }
}

function renderInit(result: InitResult): string {
  const lines = [
    `${result.identityCreated ? 'Created' : 'Using'} identity ${result.identityFile}`,
    `Your public key: ${result.recipient}`,
    `Your signing key: ${result.signingKey}`,
    `This repository has ${result.recipients} recipient${result.recipients === 1 ? '' : 's'}; new sessions are encrypted to ${result.recipients === 1 ? 'it' : 'them'}.`,
  ];
  if (result.hooksInstalled.length > 0) lines.push(`Installed hooks for ${result.hooksInstalled.join(', ')}: their sessions are captured live from now on.`);
  else if (result.agentsWithoutHooks.length > 0) {
    lines.push(`Found ${result.agentsWithoutHooks.join(', ')} without git-trace's hooks; capture their sessions live with: git trace hooks install`);
  }
  return lines.join('\n');
}

/** Agents found on this machine (user scope) whose hooks are not installed. */
async function agentsWithoutHooks(place: { env: NodeJS.ProcessEnv; workTree: string | null; stateDir: string }): Promise<AgentName[]> {
  const found = defaultAgents('user', place);
  if (found.length === 0) return [];
  const statuses = await hookStatus({ agents: found, scope: 'user', ...place });
  return found.filter((agent) => !statuses.some((s) => s.target === agent && s.state === 'installed'));
}

/** Ask on the terminal; never prompts when standard input is not one. */
async function confirm(question: string): Promise<boolean> {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}
