// `git trace serve` as a real process for the tests: started in a repository with --port 0 and
// --no-open, its printed address read from stdout, stopped with SIGTERM.

import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../helpers/paths.js';

export interface Served {
  readonly url: string;
  readonly origin: string;
  /** The address it listens on. */
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** The Cookie header a signed-in browser sends. */
  readonly cookie: string;
  /** Milliseconds from the start of the process to the printed address. */
  readonly startMs: number;
  /** What the process wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM; resolves to the exit code. */
  stop(): Promise<number | null>;
}

export const ADDRESS_LINE = /^git-trace dashboard: (http:\/\/([0-9.]+):(\d+)\/\?token=([A-Za-z0-9_-]{43}))\n$/;

/** Started in `dir` (the bench passes its own environment; the tests, theirs). */
export function serve(dir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Served> {
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-open', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Never outlive the test process, whatever stops it.
  const orphan = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', orphan);
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      process.removeListener('exit', orphan);
      done(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`git trace serve printed no address within 30 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 30_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`git trace serve exited (${code}) before printing its address; stdout: ${stdout}; stderr: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!stdout.endsWith('\n')) return;
      clearTimeout(timer);
      const m = ADDRESS_LINE.exec(stdout);
      if (m === null) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected output: ${JSON.stringify(stdout)}`));
        return;
      }
      const [, url, host, port, token] = m as unknown as [string, string, string, string, string];
      resolve({
        url,
        host,
        origin: `http://${host}:${port}`,
        port: Number(port),
        token,
        cookie: `git-trace-${port}=${token}`,
        startMs: Date.now() - started,
        stderr: () => stderr,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
