// The catalog: what reads need, derived from the refs and kept beside them, so that a command's
// cost follows what it prints, never the size of the history. The refs stay the only truth:
// every row is keyed by the session tip it was read from, a moved tip costs the chunks that are
// new, and the whole file can be deleted (the next command rebuilds it). It is also the store's
// cache (StoreCache): appends learn what a session holds from here instead of decrypting it, and
// every write lands here from the plaintext just written.

import { randomBytes } from 'node:crypto';
import type { KnownSession, SessionWrite, StoreCache } from '../store/cache.js';
import { LineHasher } from '../trail/lines.js';
import { catalogPath, openCatalogDb, statement, type CatalogDb } from './db.js';
import { applySession } from './session-rows.js';

export class Catalog implements StoreCache {
  private constructor(
    readonly db: CatalogDb,
    readonly hasher: LineHasher,
    readonly path: string,
  ) {}

  /** Open the catalog (healing it when damaged or of another schema); not yet refreshed. */
  static async open(stateDirectory: string, warn: (message: string) => void): Promise<Catalog> {
    const { db } = await openCatalogDb(stateDirectory, warn);
    try {
      return new Catalog(db, new LineHasher(saltOf(db)), catalogPath(stateDirectory));
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getMeta(key: string): Buffer | string | null {
    const row = statement(this.db, 'SELECT value FROM catalog_meta WHERE key = ?').get(key) as { value: Buffer | string | null } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: Buffer | string | null): void {
    statement(this.db, 'INSERT INTO catalog_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  known(id: string, tip: string): KnownSession | null {
    try {
      // One read transaction, so the row and its steps are of one moment: between two reads
      // another process may apply a write (a whole rewrite from an older tip among them), and a
      // writer that took the row's tip with other steps' digests would store a wrong meta.
      return this.db.transaction((): KnownSession | null => {
        const row = statement(this.db, 'SELECT tip, record, chunks FROM sessions WHERE id = ?').get(id) as { tip: string; record: string; chunks: string } | undefined;
        if (row === undefined || row.tip !== tip) return null;
        const digests = new Map<string, string>();
        const redacted = new Map<string, Record<string, number>>();
        for (const step of statement(this.db, 'SELECT step_id, digest, redacted FROM steps WHERE session_id = ?').iterate(id) as Iterable<{ step_id: string; digest: string; redacted: string | null }>) {
          digests.set(step.step_id, step.digest);
          if (step.redacted !== null) redacted.set(step.step_id, JSON.parse(step.redacted) as Record<string, number>);
        }
        return { record: JSON.parse(row.record) as KnownSession['record'], digests, redacted, chunks: JSON.parse(row.chunks) as KnownSession['chunks'] };
      })();
    } catch {
      // The catalog is a cache: when it cannot answer, the store decrypts.
      return null;
    }
  }

  written(writes: readonly SessionWrite[]): void {
    try {
      this.apply(writes);
    } catch {
      // Derived data: a write it missed is read back from the refs by the next refresh.
    }
  }

  /** Apply session writes in one transaction; returns how many were not applied (their sessions forgotten: applySession). */
  apply(writes: readonly SessionWrite[]): number {
    if (writes.length === 0) return 0;
    return this.db
      .transaction(() => {
        let dropped = 0;
        for (const write of writes) if (!applySession(this.db, this.hasher, write)) dropped++;
        return dropped;
      })
      .immediate();
  }
}

/** The salt of the catalog's line hashes: random, made with the catalog, never leaving it. */
function saltOf(db: CatalogDb): string {
  const row = statement(db, "SELECT value FROM catalog_meta WHERE key = 'salt'").get() as { value: string } | undefined;
  if (row !== undefined) return String(row.value);
  const salt = randomBytes(16).toString('hex');
  statement(db, "INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('salt', ?)").run(salt);
  return String((statement(db, "SELECT value FROM catalog_meta WHERE key = 'salt'").get() as { value: string }).value);
}
