// Where the agents keep their configs, from the environment passed in (never read globally).

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { RepoError } from '../errors.js';
import { readSettings } from '../settings.js';
import type { Env, HookScope, Place } from './types.js';

export { dirFromEnv, homeOf } from '../agents/env-dirs.js';

/** The work tree, for project scope; RepoError outside one. */
export function projectRoot(place: Place): string {
  if (place.workTree === null) {
    throw new RepoError('project scope needs a git work tree', { hint: "cd into the repository, or use '--scope user'" });
  }
  return place.workTree;
}

/** The folder holding our backups of config files, per scope. */
export function backupDir(scope: HookScope | null, env: Env, stateDir: string | null): string {
  if (scope === 'user') return join(readSettings(env).configDir, 'hooks-backup');
  if (stateDir === null) throw new RepoError('project scope needs a git work tree', { hint: "cd into the repository, or use '--scope user'" });
  return join(stateDir, 'hooks-backup');
}

export function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
