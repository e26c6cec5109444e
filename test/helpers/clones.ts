// People sharing one bare remote, each in their own clone with their own identity and git
// email, running the real CLI: what the sync and trust tests are made of.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinEnvironment, runCli } from './repo.js';

export interface User {
  readonly name: string;
  readonly dir: string;
  readonly env: Record<string, string>;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class SharedRemote {
  readonly root: string;
  readonly bare: string;

  /** A bare remote with one commit on its main branch, pushed from a `seed` clone. */
  constructor(prefix: string) {
    pinEnvironment();
    this.root = mkdtempSync(join(tmpdir(), prefix));
    this.bare = join(this.root, 'remote.git');
    git(this.root, 'init', '-q', '--bare', this.bare);
    const seed = join(this.root, 'seed');
    git(this.root, 'clone', '-q', this.bare, seed);
    writeFileSync(join(seed, 'README.md'), 'shared\n');
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', 'init');
    git(seed, 'push', '-q', 'origin', 'HEAD');
  }

  /** A new clone for `name`, with its own identity file and `name@example.com` as git email. */
  user(name: string): User {
    const dir = join(this.root, name);
    git(this.root, 'clone', '-q', this.bare, dir);
    git(dir, 'config', 'user.email', `${name}@example.com`);
    return { name, dir, env: { GIT_TRACE_IDENTITY: join(this.root, `${name}.key`) } };
  }

  /** Import a session of prompts into `u`'s store, through the CLI. */
  importSession(u: User, id: string, steps: readonly { id: string; text: string }[]): void {
    const file = join(this.root, `${u.name}-${id}-${steps.map((s) => s.id).join('')}.jsonl`);
    const lines = [
      JSON.stringify({ type: 'session', id, agent: 'claude-code', startedAt: '2026-11-01T10:00:00Z' }),
      ...steps.map((s, i) => JSON.stringify({ type: 'step', v: 1, id: s.id, kind: 'prompt', timestamp: `2026-11-01T10:0${i}:00Z`, text: s.text })),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    ok(u, 'import', '--format', 'steps', file);
  }

  cleanup(): void {
    execFileSync('rm', ['-rf', this.root]);
  }
}

export function trace(u: User, ...args: string[]): CliResult {
  return runCli(args, { cwd: u.dir, env: u.env });
}

export function ok(u: User, ...args: string[]): string {
  const result = trace(u, ...args);
  assert.equal(result.status, 0, `${u.name}: git trace ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** `newcomer` runs init; `by`, a recipient, adds them with their keys and pushes; they fetch. */
export function enrol(by: User, newcomer: User): void {
  const keys = JSON.parse(ok(newcomer, 'init', '--json')) as { recipient: string; signingKey: string };
  ok(by, 'recipients', 'add', '--name', newcomer.name, '--signing-key', keys.signingKey, keys.recipient);
  ok(by, 'push');
  ok(newcomer, 'fetch');
}

export function stepIds(u: User, id: string): string[] {
  return (JSON.parse(ok(u, 'show', '--json', id)) as { steps: { id: string }[] }).steps.map((s) => s.id).sort();
}

/**
 * Ada runs init and pushes; Bob fetches, then Ada adds him with his keys (a change Bob's fetch
 * takes because Ada, a recipient, signed it). Both end with both as recipients.
 */
export function adaAndBob(shared: SharedRemote): { ada: User; bob: User } {
  const ada = shared.user('ada');
  const bob = shared.user('bob');
  ok(ada, 'init');
  ok(ada, 'push');
  ok(bob, 'fetch');
  enrol(ada, bob);
  ok(ada, 'fetch');
  return { ada, bob };
}

/** Git in `u`'s clone, with input and extra environment (for plumbing that forges objects). */
export function execGit(u: User, args: readonly string[], input?: Buffer, env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd: u.dir, input, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}
