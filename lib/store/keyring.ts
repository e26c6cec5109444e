// The keys a command needs, loaded only when it needs them: reading needs the user's identity,
// writing needs the repository's recipients and, to sign, the user's signing key. Listing ids
// needs neither.

import type { CommitSigner } from '../../refs/commit-signature.js';
import type { GitHandle } from '../../refs/handle.js';
import type { Opener, Sealer } from '../crypto/cipher.js';
import type { UserIdentity } from '../crypto/identity.js';
import type { SigningKey } from '../crypto/signing.js';
import { KeyError } from '../errors.js';
import { readSettings, signingKeyFileFor } from '../settings.js';
import { readRecipients } from './recipients.js';

export interface Keyring {
  opener(): Promise<Opener>;
  sealer(): Promise<Sealer>;
  identity(): Promise<UserIdentity>;
  /**
   * Signs the commits this user writes; null when the user has no signing key yet (made by
   * 'git trace init'): the commits are then unsigned, and readers report them so.
   */
  signer(): Promise<UserSigner | null>;
}

/** The user's signer, and the public key others check its signatures with. */
export interface UserSigner extends CommitSigner {
  readonly publicKey: string;
}

/** An identity other users may open (mode 0644…) is refused for decryption, with the chmod to run. */
export function keyringFor(handle: GitHandle, identityFile: string = readSettings().identityFile): Keyring {
  let identity: Promise<UserIdentity> | null = null;
  let opener: Promise<Opener> | null = null;
  let sealer: Promise<Sealer> | null = null;
  let signer: Promise<UserSigner | null> | null = null;
  // age-encryption costs tens of milliseconds to load: only commands that decrypt or encrypt
  // pay for it (cost and search answer from the index without it).
  const loadId = (): Promise<UserIdentity> => (identity ??= import('../crypto/identity.js').then((m) => m.loadIdentity(identityFile)));
  return {
    identity: loadId,
    opener: () =>
      (opener ??= Promise.all([loadId(), import('../crypto/cipher.js'), import('../crypto/identity.js')]).then(([id, m, { refuseSharedIdentity }]) => {
        refuseSharedIdentity(id.file);
        return new m.Opener(id.secretKeys);
      })),
    sealer: () =>
      (sealer ??= Promise.all([readRecipients(handle), import('../crypto/cipher.js')]).then(([recipients, m]) => {
        if (recipients.length === 0) {
          throw new KeyError('this repository has no recipients yet', { hint: "run 'git trace init' first" });
        }
        return new m.Sealer(recipients.map((r) => r.key));
      })),
    signer: () => (signer ??= loadCommitSigner(signingKeyFileFor(identityFile))),
  };
}

async function loadCommitSigner(file: string): Promise<UserSigner | null> {
  const { loadSigningKeyIfAny, GIT_NAMESPACE } = await import('../crypto/signing.js');
  const key = await loadSigningKeyIfAny(file);
  return key === null ? null : commitSignerOf(key, GIT_NAMESPACE);
}

/** Commits signed with `key`, as git signs them (namespace "git"). */
export function commitSignerOf(key: SigningKey, namespace: string): UserSigner {
  return { publicKey: key.publicKey, signCommit: (payload) => key.sign(payload, namespace) };
}
