// The keys a command needs, loaded only when it needs them: reading needs the user's identity,
// writing needs the repository's recipients. Listing ids needs neither.

import type { GitHandle } from '../../refs/handle.js';
import { Opener, Sealer } from '../crypto/cipher.js';
import { loadIdentity, type UserIdentity } from '../crypto/identity.js';
import { KeyError } from '../errors.js';
import { readSettings } from '../settings.js';
import { readRecipients } from './recipients.js';

export interface Keyring {
  opener(): Promise<Opener>;
  sealer(): Promise<Sealer>;
  identity(): Promise<UserIdentity>;
}

export function keyringFor(handle: GitHandle, identityFile: string = readSettings().identityFile): Keyring {
  let identity: Promise<UserIdentity> | null = null;
  let opener: Promise<Opener> | null = null;
  let sealer: Promise<Sealer> | null = null;
  const loadId = (): Promise<UserIdentity> => (identity ??= loadIdentity(identityFile));
  return {
    identity: loadId,
    opener: () => (opener ??= loadId().then((id) => new Opener(id.secretKeys))),
    sealer: () =>
      (sealer ??= readRecipients(handle).then((recipients) => {
        if (recipients.length === 0) {
          throw new KeyError('this repository has no recipients yet', { hint: "run 'git trace init' first" });
        }
        return new Sealer(recipients.map((r) => r.key));
      })),
  };
}
