// Folders named by environment variables, read from the environment passed in (never globally).
// Cheap on purpose: the agents' facts modules, loaded on the hook's hot path, use these.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from './agent-facts.js';

export function homeOf(env: Env): string {
  const home = env['HOME'];
  return home !== undefined && home !== '' ? home : homedir();
}

/** A folder path as a user writes it in a variable: `~` and `~/` expanded against HOME, then made absolute. */
export function expandDir(env: Env, value: string): string {
  const trimmed = value.trim();
  if (trimmed === '~' || trimmed.startsWith('~/')) return join(homeOf(env), trimmed.slice(1));
  return resolve(trimmed);
}

/** A variable's value as a folder, or undefined when unset or empty. */
export function dirFromEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  return expandDir(env, value);
}
