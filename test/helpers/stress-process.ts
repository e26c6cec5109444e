// Real CLI processes for the stress tests, run concurrently (spawn, not spawnSync), optionally
// killed with SIGKILL after a delay, as a crash or the OOM killer would.

import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from './paths.js';

export interface CliResult {
  readonly args: readonly string[];
  /** Exit code; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when this helper sent the SIGKILL (the process had not finished by then). */
  readonly killed: boolean;
  readonly ms: number;
}

export interface CliOptions {
  readonly cwd: string;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Send SIGKILL to the process after this many milliseconds, if it is still running. */
  readonly killAfterMs?: number;
}

export function spawnCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let killed = false;
    let exited = false;
    const timer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            if (exited) return;
            killed = child.kill('SIGKILL');
          }, options.killAfterMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('exit', () => {
      exited = true;
    });
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({
        args,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        killed: killed && signal === 'SIGKILL',
        ms: performance.now() - started,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** One line describing a finished process, for assertion messages. */
export function describeRun(result: CliResult): string {
  const how = result.signal !== null ? `killed by ${result.signal}` : `exit ${String(result.code)}`;
  return `git trace ${result.args.join(' ')}: ${how} after ${Math.round(result.ms)} ms; stderr: ${result.stderr.trim() || '(empty)'}`;
}

/**
 * Run `action` repeatedly until `stop()` says so, pausing up to `pauseMs` between runs; collects
 * every result. For background load (periodic flushes) alongside the work under test.
 */
export async function repeatUntil<T>(stop: () => boolean, pauseMs: () => number, action: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  while (!stop()) {
    results.push(await action());
    await sleep(pauseMs());
  }
  return results;
}
