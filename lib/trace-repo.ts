// The typed entry point for programs, and what every CLI command opens:
//   const repo = await openRepo(process.cwd()); … repo.close();

import { openGit, type GitHandle } from '../refs/handle.js';
import { keyringFor, type Keyring } from './store/keyring.js';
import { SessionStore } from './store/session-store.js';

export interface TraceRepo {
  readonly git: GitHandle;
  readonly keys: Keyring;
  readonly sessions: SessionStore;
  close(): void;
}

export interface OpenRepoOptions {
  /** The age identity file; default from GIT_TRACE_IDENTITY or the user's config directory. */
  readonly identityFile?: string;
}

export async function openRepo(cwd: string, options: OpenRepoOptions = {}): Promise<TraceRepo> {
  const handle = await openGit(cwd);
  const keys = keyringFor(handle, options.identityFile);
  return { git: handle, keys, sessions: new SessionStore(handle, keys), close: () => handle.close() };
}
