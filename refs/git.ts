// Running git safely. Every internal git call goes through here:
// - `--no-optional-locks`, so reads never take the index lock the user's git may want;
// - hooks pointed away (`core.hooksPath=/dev/null`) for the commits we write ourselves;
// - GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE scrubbed when we target a repository explicitly,
//   so a git hook's environment cannot redirect us into the user's index;
// - failures raise GitError with argv, exit code and stderr; callers branch on class and exit
//   code, never on git's wording.

import type { SpawnOptions } from 'node:child_process';
import { childProcess } from './lazy-builtins.js';
import { TraceError } from '../lib/errors.js';

export class GitError extends TraceError {
  readonly argv: readonly string[];
  readonly gitExitCode: number | null;
  readonly stderr: string;
  /** Killed because it ran past its time limit. */
  readonly timedOut: boolean;

  constructor(argv: readonly string[], exitCode: number | null, stderr: string, timedOut = false) {
    const firstLine = stderr.trim().split('\n')[0] ?? '';
    const what = `git ${argv.filter((a) => !a.startsWith('-c') && !a.includes('=')).slice(1, 3).join(' ')}`;
    super(timedOut ? `${what} ran out of time` : `${what} failed${firstLine ? `: ${firstLine}` : ''}`);
    this.argv = argv;
    this.gitExitCode = exitCode;
    this.stderr = stderr;
    this.timedOut = timedOut;
  }
}

const SCRUBBED = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_PREFIX'];

/** The environment for internal git: the user's, less the variables that redirect git elsewhere. */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  // Never stop to ask for credentials or an editor inside a hook.
  env['GIT_TERMINAL_PROMPT'] = '0';
  return { ...env, ...extra };
}

/** The options every internal git invocation starts with. */
export const GIT_PREFIX_ARGS: readonly string[] = ['--no-optional-locks', '-c', 'core.hooksPath=/dev/null', '-c', 'core.quotePath=false'];

export interface RunOptions {
  readonly cwd: string;
  readonly input?: string | Buffer;
  /** Variables added to the scrubbed environment (e.g. a temporary GIT_INDEX_FILE). */
  readonly env?: Readonly<Record<string, string>>;
  /** Exit codes that are answers, not failures (e.g. 1 for `diff --quiet`). */
  readonly okExitCodes?: readonly number[];
  /** Kill git after this long (a hook must never hang the agent). */
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Run git to completion and collect its output. Throws GitError on an unexpected exit code. */
export function runGit(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const argv = [...GIT_PREFIX_ARGS, ...args];
  const spawnOptions: SpawnOptions = { cwd: options.cwd, env: gitEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] };
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', argv, spawnOptions);
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new GitError(argv, null, error.message)));
    child.on('close', (code) => {
      if (timer !== undefined) clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      const exitCode = code ?? -1;
      if (timedOut || (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode))) {
        reject(new GitError(argv, code, stderr, timedOut));
        return;
      }
      resolve({ stdout: Buffer.concat(out), stderr, exitCode });
    });
    child.stdin?.on('error', () => undefined); // git may exit before reading all input
    child.stdin?.end(options.input ?? '');
  });
}

/** Run git and return its stdout as text with the final newline removed. */
export async function git(args: readonly string[], options: RunOptions): Promise<string> {
  const result = await runGit(args, options);
  return result.stdout.toString('utf8').replace(/\n$/, '');
}
