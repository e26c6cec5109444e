// Reading OpenCode 2.x's SQLite store (`opencode.db`): tables `session_v2` (one row per session)
// and `session_message` (one row per prompt, model step, idle mark…). Opened read-only, never
// checkpointed: OpenCode keeps the database in WAL mode and may be writing while we read, so
// what is still in the `-wal` file is read too. better-sqlite3 is loaded here only, lazily.
//
// A session stored in a database has no file of its own; it is named `<database>#<session id>`.
// NEEDSWORK: OpenCode 1.2–1.x kept sessions in tables `session`/`message`/`part`, and 0.x–1.1 in a
// `storage/` JSON tree; neither is read yet (no real sample of either to test against).

import type Database from 'better-sqlite3';
import { compact, field, isRecord, tryParseJson, type JsonRecord } from '../../model/json.js';

export interface SessionRow {
  readonly id: string;
  readonly directory?: string;
  readonly title?: string;
  readonly version?: string;
  readonly parentId?: string;
  readonly timeCreated?: number;
  readonly timeUpdated?: number;
}

export interface MessageRow {
  readonly id: string;
  readonly type: string;
  readonly timeCreated?: number;
  /** The row's `data` column, parsed; undefined when it is not a JSON object. */
  readonly data: JsonRecord | undefined;
}

export function sessionPath(database: string, sessionId: string): string {
  return `${database}#${sessionId}`;
}

/** The database and session a session path names; null for a plain file path. */
export function splitSessionPath(path: string): { readonly database: string; readonly sessionId: string } | null {
  const at = path.lastIndexOf('#');
  if (at <= 0 || at === path.length - 1) return null;
  return { database: path.slice(0, at), sessionId: path.slice(at + 1) };
}

/** Run `read` on the database opened read-only; closed afterwards whatever happens. */
export async function withDatabase<T>(file: string, read: (db: Database.Database) => T): Promise<T> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function hasSessionTables(db: Database.Database): boolean {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('session_v2', 'session_message')").all();
  return rows.length === 2;
}

export function sessionRows(db: Database.Database, id?: string): SessionRow[] {
  const rows = id === undefined ? db.prepare('SELECT * FROM session_v2 ORDER BY time_created, id').all() : db.prepare('SELECT * FROM session_v2 WHERE id = ?').all(id);
  return rows.filter(isRecord).flatMap((row) => {
    const sessionId = text(row['id']);
    if (sessionId === undefined) return [];
    return [
      compact({
        id: sessionId,
        directory: text(row['directory']),
        title: text(row['title']),
        version: text(row['version']),
        parentId: text(row['parent_id']),
        timeCreated: number(row['time_created']),
        timeUpdated: number(row['time_updated']),
      }),
    ];
  });
}

/** How many rows a session has and when the last changed: what says it changed since the last import. */
export function sessionVersion(db: Database.Database, sessionId: string): { readonly rows: number; readonly updated: number } {
  const row: unknown = db.prepare('SELECT count(*) AS n, max(time_updated) AS t FROM session_message WHERE session_id = ?').get(sessionId);
  return { rows: number(field(row, 'n')) ?? 0, updated: number(field(row, 't')) ?? 0 };
}

export function messageRows(db: Database.Database, sessionId: string): MessageRow[] {
  const rows = db.prepare('SELECT id, type, time_created, data FROM session_message WHERE session_id = ? ORDER BY seq, id').all(sessionId);
  return rows.filter(isRecord).flatMap((row) => {
    const id = text(row['id']);
    if (id === undefined) return [];
    const data = parseData(row['data']);
    return [compact({ id, type: text(row['type']) ?? '', timeCreated: number(row['time_created']), data })];
  });
}

function parseData(value: unknown): JsonRecord | undefined {
  const parsed = typeof value === 'string' ? tryParseJson(value) : undefined;
  return isRecord(parsed) ? parsed : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'bigint' ? Number(value) : undefined;
}
