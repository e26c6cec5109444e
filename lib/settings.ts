// Every environment variable git-trace reads, and every default that touches safety, in one
// place. The README's "Security model" table lists the same, with each default's posture.

import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Settings {
  /** The age identity file: GIT_TRACE_IDENTITY, else <config dir>/identity.txt. */
  readonly identityFile: string;
  /** The user's git-trace config directory (XDG_CONFIG_HOME/git-trace or ~/.config/git-trace). */
  readonly configDir: string;
  /** Show stack traces of unexpected errors (GIT_TRACE_DEBUG=1). */
  readonly debug: boolean;
  /** The user's home, from which agents' transcript folders are found. */
  readonly home: string;
  /** Hooks start a background flush at stop and session end (GIT_TRACE_BACKGROUND_FLUSH=0: no). */
  readonly backgroundFlush: boolean;
}

/** Mode of files holding secrets or plaintext (identity, spool, index): owner only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const home = env['HOME'] ?? homedir();
  const configDir = join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'git-trace');
  return {
    identityFile: env['GIT_TRACE_IDENTITY'] || join(configDir, 'identity.txt'),
    configDir,
    debug: env['GIT_TRACE_DEBUG'] === '1',
    home,
    backgroundFlush: env['GIT_TRACE_BACKGROUND_FLUSH'] !== '0',
  };
}
