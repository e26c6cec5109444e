// OpenCode databases for tests, built from the real rows in fixtures/opencode/ (see SOURCES.md):
// tables `session_v2` and `session_message` as OpenCode 2.x has them, `data` stored as JSON text,
// the database in WAL mode with the writer left open, so the rows are still in the `-wal` file
// when the importer reads.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FIXTURES } from '../../helpers/paths.js';

export const QUESTION_SESSION = 'ses_f34687c4effe4c1OUSq8A7KEeN';
export const PARAMS_SESSION = 'ses_f34859f9affeumHNfv8TfefDkV';
/** Where the fixture sessions ran. */
export const FIXTURE_DIRECTORY = '/Users/dev/oc-tools';

interface DumpedRow {
  readonly table: string;
  readonly row: Record<string, unknown>;
}

function rowsOf(fixture: string): DumpedRow[] {
  return readFileSync(join(FIXTURES, 'opencode', fixture), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DumpedRow);
}

export interface OpenDatabase {
  readonly path: string;
  /** Add a row as OpenCode would (into the write-ahead log). */
  addRow(table: string, row: Readonly<Record<string, unknown>>): void;
  /** Close the writer: SQLite then checkpoints the WAL into the database file. */
  close(): void;
}

/**
 * `opencode.db` in `dir` holding the fixtures' rows, with each session's `directory` replaced
 * by `directory` when given (so a session can belong to a test repository).
 */
export function openCodeDatabase(dir: string, fixtures: readonly string[], directory?: string): OpenDatabase {
  const path = join(dir, 'opencode.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  const tables = new Set<string>();
  const addRow = (table: string, row: Readonly<Record<string, unknown>>): void => {
    const columns = Object.keys(row).sort();
    if (!tables.has(table)) {
      db.exec(`CREATE TABLE ${table} (${columns.join(', ')})`);
      tables.add(table);
    }
    const values = columns.map((c) => sqlValue(c, row[c], directory));
    db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values);
  };
  for (const { table, row } of fixtures.flatMap(rowsOf)) addRow(table, row);
  return { path, addRow, close: () => db.close() };
}

function sqlValue(column: string, value: unknown, directory: string | undefined): unknown {
  if (column === 'directory' && directory !== undefined) return directory;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}
