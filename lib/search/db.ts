// The local index: a SQLite database (WAL, FTS5) under the git common dir. Derived from the refs
// and rebuilt from them at will (`git trace index --rebuild`): never the source of truth. It
// holds redacted plaintext, so it is private to the machine: mode 0600 in a 0700 folder.
// better-sqlite3 is loaded only by the commands that search, never on a hook's hot path.

import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';

export const INDEX_SCHEMA_VERSION = 3;

export function indexPath(stateDir: string): string {
  return join(stateDir, 'index.sqlite');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  tip TEXT NOT NULL,
  agent TEXT NOT NULL,
  title TEXT,
  started_at TEXT,
  ended_at TEXT,
  step_count INTEGER NOT NULL
);
-- A step's rowid is shared with its row in step_text, so a session's text is found (and
-- deleted) through the steps index, never by scanning the full-text table.
CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  ts TEXT,
  tool TEXT,
  UNIQUE (session_id, idx)
);
CREATE TABLE IF NOT EXISTS step_paths (
  step INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS step_paths_path ON step_paths (path);
CREATE INDEX IF NOT EXISTS step_paths_session ON step_paths (session_id);
CREATE VIRTUAL TABLE IF NOT EXISTS step_text USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
-- Token usage of the steps that carry it, so 'git trace cost' answers without decrypting.
CREATE TABLE IF NOT EXISTS usage (
  step INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  model TEXT,
  usage_key TEXT,
  ts TEXT,
  usage TEXT,
  cost_usd REAL
);
CREATE INDEX IF NOT EXISTS usage_session ON usage (session_id, idx);
`;

export type IndexDb = Database.Database;

/** Open (creating when needed) the index; a database of another schema version is rebuilt empty. */
export async function openIndex(stateDir: string): Promise<IndexDb> {
  const { default: SQLite } = await import('better-sqlite3');
  mkdirSync(stateDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = indexPath(stateDir);
  let db = new SQLite(path);
  if ((db.pragma('user_version', { simple: true }) as number) !== INDEX_SCHEMA_VERSION && hasTables(db)) {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    db = new SQLite(path);
  }
  chmodSync(path, PRIVATE_FILE_MODE);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  db.pragma(`user_version = ${INDEX_SCHEMA_VERSION}`);
  return db;
}

function hasTables(db: IndexDb): boolean {
  return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0;
}
