// What each commit added and removed, as salted line hashes (never text), in the catalog's
// `commits` table: the anchor cache. Keyed by commit id (a commit never changes, so a row never
// goes stale); filled for the commits a command needs and lacks, all of them in ONE batched
// `git diff-tree`; read back only for the commits asked for, never the whole table.

import type { GitRepo } from '../../refs/repo.js';
import { allIn, type CatalogDb } from '../catalog/db.js';
import { diffCommits, type AddedLine, type CommitFile, type CommitHunk, type CommitRecord } from './commit-diff.js';
import type { LineHasher, LineKeys } from './lines.js';

export class CommitCache {
  private readonly records = new Map<string, CommitRecord>();
  /** Commits diffed by this process (for reports and tests). */
  diffed = 0;

  constructor(
    private readonly db: CatalogDb,
    private readonly repo: GitRepo,
    readonly hasher: LineHasher,
  ) {}

  /** A record loaded by `ensure` (undefined for a commit not asked for). */
  get(id: string): CommitRecord | undefined {
    return this.records.get(id);
  }

  /** Whether the catalog holds the commit's record (loaded or not). */
  has(id: string): boolean {
    return this.records.has(id) || this.db.prepare('SELECT 1 FROM commits WHERE id = ?').get(id) !== undefined;
  }

  /** Load the records of `commits`, diffing (in one git process) those the catalog lacks. */
  async ensure(commits: Iterable<string>): Promise<void> {
    const wanted = [...new Set(commits)].filter((id) => !this.records.has(id));
    if (wanted.length === 0) return;
    for (const row of allIn<{ id: string; record: string }>(this.db, wanted, (marks) => `SELECT id, record FROM commits WHERE id IN (${marks})`)) {
      const record = decodeRecord(row.record);
      if (record !== null && record.id === row.id) this.records.set(row.id, record);
    }
    const missing = wanted.filter((id) => !this.records.has(id));
    if (missing.length === 0) return;
    const fresh = await diffCommits(this.repo, missing, this.hasher);
    this.diffed += fresh.length;
    const put = this.db.prepare('INSERT OR REPLACE INTO commits (id, record) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const record of fresh) put.run(record.id, JSON.stringify(encodeRecord(record)));
    })();
    for (const record of fresh) this.records.set(record.id, record);
  }
}

// The stored form is terse: keys as [h, l, t, common (1 or 0)]; added lines lead with their
// line number.
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

export function encodeRecord(record: CommitRecord): StoredCommit {
  const files = record.files.map((f): StoredFile => {
    const out: StoredFile = { p: f.path, h: f.hunks.map((h) => [h.removed.map((k): StoredKeys => [k.h, k.l, k.t, k.common ? 1 : 0]), h.added.map((a): StoredAdded => [a.n, a.h, a.l, a.t, a.common ? 1 : 0])]) };
    if (f.oldPath !== undefined) out.o = f.oldPath;
    if (f.deleted === true) out.d = 1;
    return out;
  });
  return record.revertOf === undefined ? { c: record.id, f: files } : { c: record.id, rv: record.revertOf, f: files };
}

/** A stored record back; null for anything that is not one (it is then diffed again). */
export function decodeRecord(text: string): CommitRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
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
