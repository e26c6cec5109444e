// Child processes, timed from spawn to exit: what an agent or a user waits for.

import { spawnSync } from 'node:child_process';

export interface ProcOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Exit codes that are not failures (default: 0 only). */
  readonly okCodes?: readonly number[];
}

export interface ProcResult {
  readonly ms: number;
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class ProcError extends Error {}

export function runProc(command: string, args: readonly string[], options: ProcOptions): ProcResult {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (result.error !== undefined) throw new ProcError(`${command} ${args.join(' ')}: ${result.error.message}`);
  const status = result.status ?? -1;
  if (!(options.okCodes ?? [0]).includes(status)) {
    throw new ProcError(`${command} ${args.slice(0, 4).join(' ')} exited ${status}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { ms, status, stdout: result.stdout, stderr: result.stderr };
}

export function git(args: readonly string[], options: ProcOptions): ProcResult {
  return runProc('git', args, options);
}
