// Opening the catalog: a SQLite database (WAL, FTS5) at <git-common-dir>/opentraces/catalog.sqlite,
// mode 0600 in a 0700 folder, because it holds redacted plaintext and never leaves the machine.
// It heals itself: a file of another schema version is rebuilt empty (and refilled from the refs
// by the caller); a damaged file is set aside beside it with a one-line warning and rebuilt.
// better-sqlite3 is loaded only here, so a hook's hot path never pays for it.

import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { RepoError, TraceError } from '../errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { CATALOG_SCHEMA, CATALOG_SCHEMA_VERSION } from './schema.js';

export type CatalogDb = Database.Database;

const statements = new WeakMap<CatalogDb, Map<string, Database.Statement>>();

/** How many values one `IN (…)` list takes at most: SQLite bounds a statement's parameters. */
const IN_SLICE = 500;

/**
 * The rows of a query over `values` in an `IN (…)` list, asked a slice at a time: `sql(marks)`
 * writes the query for one slice (`marks` is its `?,?,…`), which binds the slice `times` times.
 */
export function allIn<T>(db: CatalogDb, values: readonly string[], sql: (marks: string) => string, times = 1): T[] {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += IN_SLICE) {
    const slice = values.slice(i, i + IN_SLICE);
    const bound = Array.from({ length: times }, () => slice).flat();
    out.push(...(db.prepare(sql(slice.map(() => '?').join(','))).all(...bound) as T[]));
  }
  return out;
}

/** A prepared statement, prepared once per connection (preparing costs more than running). */
export function statement(db: CatalogDb, sql: string): Database.Statement {
  let byText = statements.get(db);
  if (byText === undefined) statements.set(db, (byText = new Map()));
  let prepared = byText.get(sql);
  if (prepared === undefined) byText.set(sql, (prepared = db.prepare(sql)));
  return prepared;
}

export function catalogPath(stateDir: string): string {
  return join(stateDir, 'catalog.sqlite');
}

/** Files of earlier versions of the derived state, removed when the catalog is opened. */
const RETIRED = ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm', 'anchors'];

/** SQLite's words for a file that is not (or no longer) a database it can read. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

export interface OpenedDb {
  readonly db: CatalogDb;
  /** The file was missing, of another schema, or damaged: it starts empty. */
  readonly fresh: boolean;
}

/** Open (creating, upgrading or healing) the catalog. */
export async function openCatalogDb(stateDir: string, warn: (message: string) => void): Promise<OpenedDb> {
  const { default: SQLite } = await import('better-sqlite3');
  mkdirSync(stateDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const name of RETIRED) rmSync(join(stateDir, name), { recursive: true, force: true });
  const path = catalogPath(stateDir);
  const existed = existsSync(path);
  try {
    try {
      return prepare(new SQLite(path), path, existed);
    } catch (error) {
      if (!isDamage(error)) throw error;
      setAside(path, warn);
      return prepare(new SQLite(path), path, false);
    }
  } catch (error) {
    if (error instanceof TraceError) throw error;
    throw new RepoError(`cannot open the catalog '${path}': ${(error as Error).message}`, {
      cause: error,
      hint: `check that '${stateDir}' is writable; the catalog is derived from the refs, so deleting it loses nothing`,
    });
  }
}

function prepare(db: CatalogDb, path: string, existed: boolean): OpenedDb {
  let fresh = !existed;
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== CATALOG_SCHEMA_VERSION && hasTables(db)) {
      db.close();
      removeDb(path);
      return prepare(new (db.constructor as new (path: string) => CatalogDb)(path), path, false);
    }
    chmodSync(path, PRIVATE_FILE_MODE);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    // The schema is written once: setting user_version on every open was a write, and the
    // checkpoint it cost at close (~80 ms) was paid by every read command.
    if (version !== CATALOG_SCHEMA_VERSION) {
      fresh = true;
      db.exec(CATALOG_SCHEMA);
      db.pragma(`user_version = ${CATALOG_SCHEMA_VERSION}`);
    }
    return { db, fresh };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Move a damaged catalog out of the way (kept for inspection), so a new one can be built. */
export function setAside(path: string, warn: (message: string) => void): void {
  const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, aside);
  } catch {
    rmSync(path, { force: true });
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  warn(`the catalog '${path}' was damaged; set it aside as '${aside}' and rebuilt it from the refs`);
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

function hasTables(db: CatalogDb): boolean {
  return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0;
}
