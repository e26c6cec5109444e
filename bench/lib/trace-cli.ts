// Running the built git-trace CLI as a real process, and making fresh repositories for it.

import { mkdirSync } from 'node:fs';
import { CLI } from '../../test/helpers/paths.js';
import { git, runProc, type ProcResult } from './proc.js';

export interface CliOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly okCodes?: readonly number[];
}

export function traceCli(args: readonly string[], options: CliOptions): ProcResult {
  return runProc(process.execPath, [CLI, ...args], options);
}

/** An empty repository with `git trace init` done (the identity is made on the first call). */
export function freshTraceRepo(dir: string, env: NodeJS.ProcessEnv): string {
  mkdirSync(dir, { recursive: true });
  git(['init', '-q', dir], { cwd: dir, env });
  traceCli(['init'], { cwd: dir, env });
  return dir;
}
