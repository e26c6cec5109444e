// The anchor cache: each commit's added and removed lines, as salted hashes (never plaintext),
// under <git-common-dir>/opentraces/anchors/. Derived: keyed by commit id (commits never change,
// so an entry never goes stale), filled lazily for the commits a command needs and does not have
// yet, and deleting the folder loses nothing (the next command diffs again).
//
// Layout: v1/salt (random, 0600) and v1/commits.jsonl, one commit per line, appended in one
// write per batch. A torn or foreign line (a writer that died, two writers at once) is skipped
// and that commit simply diffed again; a commit written twice reads the same either way.

import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir, type GitRepo } from '../../refs/repo.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { diffCommits, type AddedLine, type CommitFile, type CommitHunk, type CommitRecord } from './commit-diff.js';
import { LineHasher, type LineKeys } from './lines.js';

export const ANCHOR_CACHE_VERSION = 1;

export function anchorDir(repo: GitRepo): string {
  return join(stateDir(repo), 'anchors', `v${ANCHOR_CACHE_VERSION}`);
}

export class AnchorCache {
  private readonly records = new Map<string, CommitRecord>();
  /** Commits diffed by this process (for reports and tests). */
  diffed = 0;

  private constructor(
    private readonly repo: GitRepo,
    private readonly file: string,
    readonly hasher: LineHasher,
  ) {}

  /** Open (creating if needed) the repository's cache and load what it holds. */
  static open(repo: GitRepo): AnchorCache {
    const dir = anchorDir(repo);
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const saltFile = join(dir, 'salt');
    if (!existsSync(saltFile)) {
      try {
        writeFileSync(saltFile, randomBytes(16).toString('hex'), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const salt = readFileSync(saltFile, 'utf8').trim();
    const cache = new AnchorCache(repo, join(dir, 'commits.jsonl'), new LineHasher(salt));
    cache.load();
    return cache;
  }

  get(id: string): CommitRecord | undefined {
    return this.records.get(id);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  /** Make sure every commit has a record: diff the missing ones in one git process. */
  async ensure(commits: Iterable<string>): Promise<void> {
    const missing = [...new Set(commits)].filter((id) => !this.records.has(id));
    if (missing.length === 0) return;
    const fresh = await diffCommits(this.repo, missing, this.hasher);
    this.diffed += fresh.length;
    for (const record of fresh) this.records.set(record.id, record);
    // A writer that died mid-line left a torn last line: start on a line of our own.
    const lead = endsTorn(this.file) ? '\n' : '';
    appendFileSync(this.file, lead + fresh.map((r) => `${JSON.stringify(encode(r))}\n`).join(''), { mode: PRIVATE_FILE_MODE });
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line === '') continue;
      const record = decode(line);
      if (record !== null) this.records.set(record.id, record);
    }
  }
}

function endsTorn(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 10;
  } finally {
    closeSync(fd);
  }
}

// The stored form is terse: a cache of 1,000 commits stays a few hundred KB.
// Keys as [h, l, t, common (1 or 0)]; added lines lead with their line number.
type StoredKeys = [string, string, string, number];
type StoredAdded = [number, string, string, string, number];
interface StoredFile {
  p: string;
  o?: string;
  d?: 1;
  h: [StoredKeys[], StoredAdded[]][];
}
interface StoredCommit {
  c: string;
  rv?: string;
  f: StoredFile[];
}

function encode(record: CommitRecord): StoredCommit {
  const files = record.files.map((f): StoredFile => {
    const out: StoredFile = { p: f.path, h: f.hunks.map((h) => [h.removed.map((k): StoredKeys => [k.h, k.l, k.t, k.common ? 1 : 0]), h.added.map((a): StoredAdded => [a.n, a.h, a.l, a.t, a.common ? 1 : 0])]) };
    if (f.oldPath !== undefined) out.o = f.oldPath;
    if (f.deleted === true) out.d = 1;
    return out;
  });
  return record.revertOf === undefined ? { c: record.id, f: files } : { c: record.id, rv: record.revertOf, f: files };
}

function decode(line: string): CommitRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const stored = value as Partial<StoredCommit>;
  if (typeof stored.c !== 'string' || !Array.isArray(stored.f)) return null;
  const files: CommitFile[] = [];
  for (const f of stored.f as unknown[]) {
    const file = decodeFile(f);
    if (file === null) return null;
    files.push(file);
  }
  return typeof stored.rv === 'string' ? { id: stored.c, revertOf: stored.rv, files } : { id: stored.c, files };
}

function decodeFile(value: unknown): CommitFile | null {
  if (typeof value !== 'object' || value === null) return null;
  const f = value as Partial<StoredFile>;
  if (typeof f.p !== 'string' || !Array.isArray(f.h)) return null;
  const hunks: CommitHunk[] = [];
  for (const h of f.h as unknown[]) {
    if (!Array.isArray(h) || !Array.isArray(h[0]) || !Array.isArray(h[1])) return null;
    const removed: LineKeys[] = [];
    for (const k of h[0] as unknown[]) {
      if (!Array.isArray(k) || !isStrings(k.slice(0, 3), 3)) return null;
      removed.push({ h: String(k[0]), l: String(k[1]), t: String(k[2]), common: k[3] === 1 });
    }
    const added: AddedLine[] = [];
    for (const a of h[1] as unknown[]) {
      if (!Array.isArray(a) || typeof a[0] !== 'number' || !isStrings(a.slice(1, 4), 3)) return null;
      added.push({ n: a[0], h: String(a[1]), l: String(a[2]), t: String(a[3]), common: a[4] === 1 });
    }
    hunks.push({ removed, added });
  }
  const file: CommitFile = { path: f.p, hunks };
  return { ...file, ...(typeof f.o === 'string' ? { oldPath: f.o } : {}), ...(f.d === 1 ? { deleted: true } : {}) };
}

function isStrings(value: unknown, length: number): value is string[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string');
}
