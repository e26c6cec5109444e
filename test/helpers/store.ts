// Opening a temp repository's store with a throw-away identity, as a user who ran `init` would.

import { join } from 'node:path';
import { ensureIdentity } from '../../lib/crypto/identity.js';
import { ensureSigningKey, GIT_NAMESPACE } from '../../lib/crypto/signing.js';
import { signingKeyFileFor } from '../../lib/settings.js';
import { commitSignerOf } from '../../lib/store/keyring.js';
import type { Step } from '../../lib/model/step.js';
import type { SessionInfo } from '../../lib/model/session.js';
import { addRecipients } from '../../lib/store/recipients.js';
import { openRepo, type TraceRepo } from '../../lib/trace-repo.js';
import { pinEnvironment } from './repo.js';

/** The identity file tests use; GIT_TRACE_IDENTITY points at it for CLI runs too. */
export function testIdentityFile(): string {
  const file = join(pinEnvironment(), 'identity.txt');
  process.env['GIT_TRACE_IDENTITY'] = file;
  return file;
}

export async function openInitializedRepo(dir: string): Promise<TraceRepo> {
  const identityFile = testIdentityFile();
  const { identity } = await ensureIdentity(identityFile);
  const { key } = await ensureSigningKey(signingKeyFileFor(identityFile));
  const repo = await openRepo(dir, { identityFile });
  await addRecipients(repo.git, [{ key: identity.recipient, name: 'test', signingKey: key.publicKey }], { signer: commitSignerOf(key, GIT_NAMESPACE) });
  return repo;
}

export function session(id: string, extra: Partial<SessionInfo> = {}): SessionInfo {
  return { id, agent: 'claude-code', startedAt: null, endedAt: null, ...extra };
}

export function prompt(id: string, text: string, minute = 0): Step {
  return { v: 1, id, kind: 'prompt', timestamp: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`, text };
}

export function tool(id: string, name: string, output?: string): Step {
  return {
    v: 1,
    id,
    kind: 'tool',
    timestamp: '2026-11-20T10:30:00.000Z',
    tool: output === undefined ? { name, callId: id, input: { command: 'make' }, status: 'pending' } : { name, callId: id, input: { command: 'make' }, output, status: 'ok', exitCode: 0 },
  };
}
