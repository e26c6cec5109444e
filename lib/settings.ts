// Every environment variable git-trace reads, and every default that touches safety, in one
// place. The README's "Security model" table lists the same, with each default's posture.

import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Settings {
  /** The age identity file: GIT_TRACE_IDENTITY, else <config dir>/identity.txt. */
  readonly identityFile: string;
  /** The signing key beside it: the identity file's name with `.txt` replaced by `.signing-key`. */
  readonly signingKeyFile: string;
  /** The user's git-trace config directory (XDG_CONFIG_HOME/git-trace or ~/.config/git-trace). */
  readonly configDir: string;
  /** Show stack traces of unexpected errors (GIT_TRACE_DEBUG=1). */
  readonly debug: boolean;
  /** The user's home, from which agents' transcript folders are found. */
  readonly home: string;
  /** Hooks start a background flush at stop and session end (GIT_TRACE_BACKGROUND_FLUSH=0: no). */
  readonly backgroundFlush: boolean;
  /**
   * How long the repository's file watcher lives with no hook asking it what changed
   * (GIT_TRACE_WATCH_IDLE_MS, default 10 minutes); null with GIT_TRACE_WATCH=0: hooks walk the tree.
   */
  readonly watchIdleMs: number | null;
}

/** Mode of files holding secrets or plaintext (identity, spool, index): owner only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Where `git trace serve` listens unless told otherwise: the loopback address only. Another
 * address needs --host together with --allow-remote (the dashboard shows session content).
 */
export const DEFAULT_SERVE_HOST = '127.0.0.1';
/** The addresses that reach only this machine: --host may name them without --allow-remote. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const home = env['HOME'] ?? homedir();
  const configDir = join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'git-trace');
  const identityFile = env['GIT_TRACE_IDENTITY'] || join(configDir, 'identity.txt');
  return {
    identityFile,
    signingKeyFile: signingKeyFileFor(identityFile),
    configDir,
    debug: env['GIT_TRACE_DEBUG'] === '1',
    home,
    backgroundFlush: env['GIT_TRACE_BACKGROUND_FLUSH'] !== '0',
    watchIdleMs: env['GIT_TRACE_WATCH'] === '0' ? null : Number(env['GIT_TRACE_WATCH_IDLE_MS']) || 600_000,
  };
}

/** Where the signing key of an identity file lives: beside it, one per identity. */
export function signingKeyFileFor(identityFile: string): string {
  return `${identityFile.replace(/\.txt$/, '')}.signing-key`;
}

/**
 * What a capsule's verdict command sees of the environment: an allowlist, so tokens and
 * credentials (GITHUB_TOKEN, AWS_*, *_API_KEY, SSH_AUTH_SOCK, GIT_TRACE_IDENTITY…) never reach
 * the sender's code whatever they are called. HOME is a scratch folder, so ~/.npmrc, ~/.aws,
 * ~/.ssh and git's global config are not there either; CI=1 keeps test runners non-interactive.
 */
export const VERDICT_ENV_KEPT: readonly string[] = ['PATH', 'LANG', 'LANGUAGE', 'TERM', 'TZ'];

export function verdictEnvironment(home: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (VERDICT_ENV_KEPT.includes(name) || name.startsWith('LC_'))) kept[name] = value;
  }
  return { ...kept, HOME: home, CI: '1' };
}
