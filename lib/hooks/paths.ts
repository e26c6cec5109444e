// Where the agents keep their configs, from the environment passed in (never read globally).

import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RepoError } from '../errors.js';
import { readSettings } from '../settings.js';
import type { Env, HookScope, Place } from './types.js';

export function homeOf(env: Env): string {
  const home = env['HOME'];
  return home !== undefined && home !== '' ? home : homedir();
}

/** A variable's value, or undefined when unset or empty; `~/` expanded against HOME. */
export function dirFromEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  if (value === '~' || value.startsWith('~/')) return join(homeOf(env), value.slice(1));
  return resolve(value);
}

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
