// Running a command the way replay, capsule replay and bisect do: under /bin/sh (or a wrapper
// that isolates it), in its own process group killed whole at the time limit, with only the
// environment given, its output kept (the middle of a huge one cut).

import { spawn } from 'node:child_process';

/** How a command is wrapped: plain `/bin/sh -c`, or inside a sandbox (capsule/sandbox.ts). */
export interface CommandWrapper {
  /** The argv that runs `command` under /bin/sh. */
  argv(command: string): string[];
}

export const PLAIN_SHELL: CommandWrapper = { argv: (command) => ['/bin/sh', '-c', command] };

export interface CommandRun {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly output: string;
}

/** Output kept: the head for matching stays whole up to this, the middle of longer output is cut. */
const MAX_OUTPUT = 4 * 1024 * 1024;

export interface CommandRequest {
  readonly command: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  /** The whole environment it gets: nothing of the caller's is added. */
  readonly env: Readonly<Record<string, string>>;
  readonly isolation: CommandWrapper;
}

export function runCommand(request: CommandRequest): Promise<CommandRun> {
  const { cwd, timeoutMs } = request;
  const started = Date.now();
  const [program = '/bin/sh', ...args] = request.isolation.argv(request.command);
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd, env: { ...request.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const keep = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      while (size > MAX_OUTPUT && chunks.length > 1) size -= (chunks.splice(1, 1)[0] ?? Buffer.alloc(0)).length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    const finish = (exitCode: number | null, signal: string | null): void => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, durationMs: Date.now() - started, output: Buffer.concat(chunks).toString('utf8') });
    };
    child.on('error', (error) => {
      keep(Buffer.from(`${error.message}\n`));
      finish(127, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

