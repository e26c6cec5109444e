// Writing blobs, trees and commits. One long-lived `git hash-object -w --stdin-paths -t <type>`
// per object type: git validates and stores each object, we pay one spawn per type per run.
// Objects are formatted here (tree entries sorted the way git sorts them), so a flush needs no
// temporary index and no `commit-tree` spawn. Hooks never run: nothing here is a porcelain commit.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RepoError } from '../lib/errors.js';
import { withSignature, type CommitSigner } from './commit-signature.js';
import { GIT_PREFIX_ARGS, GitError, gitEnv, git } from './git.js';
import { setActive } from './keepalive.js';
import { formatTree, type TreeEntry } from './tree-format.js';
import { stateDir, type GitRepo } from './repo.js';

type WritableType = 'blob' | 'tree' | 'commit';

interface Waiter {
  readonly resolve: (oid: string) => void;
  readonly reject: (error: Error) => void;
}

class HashObjectProcess {
  private readonly child: ChildProcess;
  private readonly waiters: Waiter[] = [];
  private buffer = '';
  private stderr = '';

  constructor(repo: GitRepo, type: WritableType) {
    const argv = [...GIT_PREFIX_ARGS, 'hash-object', '-w', '--no-filters', '--stdin-paths', '-t', type];
    this.child = spawn('git', argv, { cwd: repo.gitDir, env: gitEnv({ GIT_DIR: repo.gitDir }), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) !== -1) {
        const oid = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        this.waiters.shift()?.resolve(oid);
      }
      if (this.waiters.length === 0) setActive(this.child, false);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    const fail = (code: number | null): void => {
      const error = new GitError(argv, code, this.stderr || 'hash-object exited');
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    };
    this.child.on('error', () => fail(null));
    this.child.on('close', (code) => fail(code));
    this.child.stdin?.on('error', () => undefined);
    setActive(this.child, false);
  }

  hash(path: string): Promise<string> {
    if (this.waiters.length === 0) setActive(this.child, true);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.child.stdin?.write(`${path}\n`);
    });
  }

  close(): void {
    this.child.stdin?.end();
  }
}

export interface Identity {
  readonly name: string;
  readonly email: string;
}

export interface CommitInput {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** Seconds since the epoch; default now. */
  readonly time?: number;
  /** Signs the commit (a `gpgsig` header); null or absent: unsigned. */
  readonly signer?: CommitSigner | null;
}

export class ObjectWriter {
  private readonly processes = new Map<WritableType, HashObjectProcess>();
  private identity: Promise<Identity> | null = null;
  private readonly tmp: string;
  private counter = 0;

  constructor(private readonly repo: GitRepo) {
    this.tmp = join(stateDir(repo), 'tmp');
  }

  writeBlob(data: Buffer | string): Promise<string> {
    return this.write('blob', typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** Write a tree from its entries (any order: git's order is applied here). */
  writeTree(entries: readonly TreeEntry[]): Promise<string> {
    return this.write('tree', formatTree(entries, this.repo.oidLength / 2));
  }

  async writeCommit(input: CommitInput): Promise<string> {
    const who = await this.committer();
    const time = input.time ?? Math.floor(Date.now() / 1000);
    const ident = `${who.name} <${who.email}> ${time} +0000`;
    const lines = [`tree ${input.tree}`, ...input.parents.map((p) => `parent ${p}`), `author ${ident}`, `committer ${ident}`];
    const message = input.message.endsWith('\n') ? input.message : `${input.message}\n`;
    const payload = Buffer.from(`${lines.join('\n')}\n\n${message}`, 'utf8');
    return this.write('commit', input.signer == null ? payload : withSignature(payload, input.signer.signCommit(payload)));
  }

  close(): void {
    for (const process of this.processes.values()) process.close();
    this.processes.clear();
  }

  private async write(type: WritableType, data: Buffer): Promise<string> {
    const path = join(this.tmp, `obj-${process.pid}-${randomBytes(4).toString('hex')}-${this.counter++}`);
    try {
      mkdirSync(this.tmp, { recursive: true, mode: 0o700 });
      if (this.counter === 1) removeLeftovers(this.tmp);
      await writeFile(path, data, { mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new RepoError(`cannot write to '${this.tmp}' (${code})`, {
        hint: code === 'ENOSPC' ? 'the disk is full: free some space and run the command again' : 'check that the repository is writable, then run the command again',
        cause: error,
      });
    }
    try {
      let writer = this.processes.get(type);
      if (writer === undefined) {
        writer = new HashObjectProcess(this.repo, type);
        this.processes.set(type, writer);
      }
      return await writer.hash(path);
    } finally {
      await rm(path, { force: true });
    }
  }

  /** `Name <email>` of the user, as commits we write carry it. */
  async committerIdent(): Promise<string> {
    const who = await this.committer();
    return `${who.name} <${who.email}>`;
  }

  /** The user's identity from git config, or a fallback when none is set. */
  private committer(): Promise<Identity> {
    this.identity ??= git(['var', 'GIT_COMMITTER_IDENT'], { cwd: this.repo.gitDir, env: { GIT_DIR: this.repo.gitDir } })
      .then(parseIdent)
      .catch(() => FALLBACK_IDENTITY);
    return this.identity;
  }
}

const LEFTOVER_AGE_MS = 10 * 60 * 1000;

/** Temporary files of writers that were killed mid-write (they hold sealed bytes only). */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('obj-')) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > LEFTOVER_AGE_MS) rmSync(join(dir, name), { force: true });
    } catch {
      // another writer removed it first
    }
  }
}

export const FALLBACK_IDENTITY: Identity = { name: 'git-trace', email: 'git-trace@localhost' };

function parseIdent(line: string): Identity {
  const match = /^(.*) <(.*)> \d+ [+-]\d{4}$/.exec(line);
  if (match === null || match[1] === undefined || match[2] === undefined || match[1].trim() === '') return FALLBACK_IDENTITY;
  return { name: match[1], email: match[2] };
}


