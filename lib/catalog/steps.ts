// A step's surroundings in its session, read from the catalog: the prompt that drove it, the
// model that ran it, the tool calls around it. Each query reads only the rows it walks back
// over, never the whole session, and nothing is decrypted.

import { statement, type CatalogDb } from './db.js';

export interface PromptFact {
  readonly index: number;
  readonly text: string;
}

/** The last prompt of the main thread at or before step `index`; null when there is none. */
export function drivingPrompt(db: CatalogDb, session: string, index: number): PromptFact | null {
  const row = db
    .prepare(
      `SELECT s.idx AS idx, coalesce(t.body, '') AS body FROM steps s LEFT JOIN step_text t ON t.rowid = s.id
       WHERE s.session_id = ? AND s.idx <= ? AND s.kind = 'prompt' AND s.thread IS NULL ORDER BY s.idx DESC LIMIT 1`,
    )
    .get(session, index) as { idx: number; body: string } | undefined;
  return row === undefined ? null : { index: row.idx, text: row.body };
}

/** The step's model, or the nearest earlier one's in the same thread (the reply that made the call). */
export function stepModel(db: CatalogDb, session: string, index: number): string | null {
  // The cached statement is free again when this returns: the loop runs to its end or leaves
  // it (which resets the iteration), and nothing in it reads the catalog.
  const rows = statement(db, 'SELECT idx, kind, model, thread FROM steps WHERE session_id = ? AND idx <= ? ORDER BY idx DESC').iterate(session, index) as Iterable<ModelRow>;
  return modelAmong(rows, index);
}

/** `stepModel` for many steps of one session: its steps read once. */
export function stepModels(db: CatalogDb, session: string): (index: number) => string | null {
  const rows = statement(db, 'SELECT idx, kind, model, thread FROM steps WHERE session_id = ? ORDER BY idx DESC').all(session) as ModelRow[];
  return (index) => {
    const from = rows.findIndex((r) => r.idx <= index);
    return from === -1 ? null : modelAmong(rows.slice(from), index);
  };
}

interface ModelRow {
  readonly idx: number;
  readonly kind: string;
  readonly model: string | null;
  readonly thread: string | null;
}

/** The rule over a session's steps from `index` down (newest first). */
function modelAmong(rows: Iterable<ModelRow>, index: number): string | null {
  let thread: string | null | undefined;
  for (const row of rows) {
    if (thread === undefined) {
      if (row.idx !== index) return null;
      thread = row.thread;
    }
    if (row.thread !== thread) continue;
    if (row.model !== null) return row.model;
    if (row.kind === 'prompt' && row.idx < index) return null;
  }
  return null;
}

export interface ToolFact {
  readonly index: number;
  readonly kind: string;
  readonly tool: string | null;
  readonly status: string | null;
  readonly exitCode: number | null;
  readonly command: string | null;
  readonly reads: readonly string[];
  readonly thread: string | null;
}

/** Steps `from` ≤ index < `to` of a session, as facts (no text). */
export function stepFacts(db: CatalogDb, session: string, from: number, to: number): ToolFact[] {
  const rows = statement(db, 'SELECT idx, kind, tool, status, exit_code, command, reads, thread FROM steps WHERE session_id = ? AND idx >= ? AND idx < ? ORDER BY idx')
    .all(session, from, to) as { idx: number; kind: string; tool: string | null; status: string | null; exit_code: number | null; command: string | null; reads: string | null; thread: string | null }[];
  return rows.map((r) => ({ index: r.idx, kind: r.kind, tool: r.tool, status: r.status, exitCode: r.exit_code, command: r.command, reads: r.reads === null ? [] : (JSON.parse(r.reads) as string[]), thread: r.thread }));
}

/** The index of the first main-thread prompt after step `index`; null when none follows. */
export function nextPrompt(db: CatalogDb, session: string, index: number): number | null {
  const row = statement(db, "SELECT idx FROM steps WHERE session_id = ? AND idx > ? AND kind = 'prompt' AND thread IS NULL ORDER BY idx LIMIT 1").get(session, index) as { idx: number } | undefined;
  return row?.idx ?? null;
}
