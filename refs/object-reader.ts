// Reading objects through one long-lived `git cat-file --batch` process: one spawn for any
// number of reads (1,000 blobs: ~66 ms, against seconds when spawning git per blob).
// Requests are answered in order, so a FIFO of pending reads is all the bookkeeping needed.

import { spawn, type ChildProcess } from 'node:child_process';
import { GIT_PREFIX_ARGS, GitError, gitEnv } from './git.js';
import { setActive } from './keepalive.js';
import type { GitRepo } from './repo.js';
import { parseTree, type TreeEntry } from './tree-format.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObject {
  readonly oid: string;
  readonly type: ObjectType;
  readonly data: Buffer;
}

export { parseTree, type TreeEntry } from './tree-format.js';

interface Pending {
  readonly resolve: (object: GitObject | null) => void;
  readonly reject: (error: Error) => void;
}

export class ObjectReader {
  private child: ChildProcess | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly queue: Pending[] = [];
  private stderr = '';

  constructor(private readonly repo: GitRepo) {}

  /** Read one object; null when it does not exist. */
  read(oid: string): Promise<GitObject | null> {
    const child = this.start();
    if (this.queue.length === 0) setActive(child, true);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      child.stdin?.write(`${oid}\n`);
    });
  }

  async readBlob(oid: string): Promise<Buffer | null> {
    const object = await this.read(oid);
    return object !== null && object.type === 'blob' ? object.data : null;
  }

  /** The entries of a tree; null when it does not exist or is not a tree. */
  async readTree(oid: string): Promise<TreeEntry[] | null> {
    const object = await this.read(oid);
    if (object === null || object.type !== 'tree') return null;
    return parseTree(object.data, this.repo.oidLength / 2);
  }

  /** The tree and parents of a commit; null when it does not exist or is not a commit. */
  async readCommit(oid: string): Promise<{ tree: string; parents: string[]; message: string } | null> {
    const object = await this.read(oid);
    if (object === null || object.type !== 'commit') return null;
    return parseCommit(object.data.toString('utf8'));
  }

  close(): void {
    this.child?.stdin?.end();
    this.child = null;
  }

  private start(): ChildProcess {
    if (this.child !== null) return this.child;
    const argv = [...GIT_PREFIX_ARGS, 'cat-file', '--batch'];
    const child = spawn('git', argv, { cwd: this.repo.gitDir, env: gitEnv({ GIT_DIR: this.repo.gitDir }), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    const fail = (code: number | null): void => {
      const error = new GitError(argv, code, this.stderr);
      for (const pending of this.queue.splice(0)) pending.reject(error);
      if (this.child === child) this.child = null;
    };
    child.on('error', () => fail(null));
    child.on('close', (code) => fail(code));
    child.stdin?.on('error', () => undefined);
    setActive(child, false);
    this.child = child;
    return child;
  }

  private drain(): void {
    for (;;) {
      const pending = this.queue[0];
      if (pending === undefined) {
        if (this.child !== null) setActive(this.child, false);
        return;
      }
      const newline = this.buffer.indexOf(10);
      if (newline === -1) return;
      const header = this.buffer.toString('utf8', 0, newline);
      const parts = header.split(' ');
      if (parts[1] === 'missing' || parts[1] === 'ambiguous' || parts.length < 3) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.queue.shift();
        pending.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return; // wait for the rest (content plus its newline)
      const data = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.queue.shift();
      pending.resolve({ oid: parts[0] ?? '', type: parts[1] as ObjectType, data });
    }
  }
}

export function parseCommit(text: string): { tree: string; parents: string[]; message: string } {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
  }
  return { tree, parents, message };
}
