// Searching the index: full-text over prompts, replies, reasoning, commands, tool output and
// paths (FTS5, ranked by bm25), filtered by agent, time and file.

import type { SessionFilter } from '../store/queries.js';
import type { IndexDb } from './db.js';

export interface SearchHit {
  readonly session: string;
  readonly agent: string;
  readonly title: string | null;
  readonly step: number;
  readonly kind: string;
  readonly tool: string | null;
  readonly timestamp: string | null;
  /** The matching text around the hit, with the matched terms between « and ». */
  readonly snippet: string;
}

export interface SearchOptions extends SessionFilter {
  /** Only steps that touched or read this path (or a path below it). */
  readonly file?: string;
  readonly limit?: number;
}

/**
 * Quote every term so user input is never FTS syntax: `fix "the parser"` searches for steps
 * holding fix and the phrase "the parser"; a trailing * keeps prefix search.
 */
export function toFtsQuery(query: string): string {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(query); m !== null; m = re.exec(query)) {
    const phrase = m[1] ?? m[2] ?? '';
    const prefix = m[2] !== undefined && phrase.endsWith('*') && phrase.length > 1;
    const text = (prefix ? phrase.slice(0, -1) : phrase).replace(/"/g, '""');
    if (text.trim() !== '') terms.push(`"${text}"${prefix ? '*' : ''}`);
  }
  return terms.join(' AND ');
}

export function search(db: IndexDb, query: string, options: SearchOptions = {}): SearchHit[] {
  const fts = toFtsQuery(query);
  if (fts === '') return [];
  const where: string[] = ['step_text MATCH @fts'];
  const params: Record<string, unknown> = { fts, limit: options.limit ?? 20 };
  if (options.agent !== undefined) {
    where.push('s.agent = @agent');
    params['agent'] = options.agent;
  }
  if (options.since !== undefined) {
    where.push('coalesce(st.ts, s.ended_at, s.started_at) >= @since');
    params['since'] = options.since.toISOString();
  }
  if (options.file !== undefined) {
    where.push('EXISTS (SELECT 1 FROM step_paths p WHERE p.session_id = t.session_id AND p.idx = t.idx AND (p.path = @file OR p.path LIKE @filePrefix ESCAPE \'\\\'))');
    const file = options.file.replace(/^\.\//, '').replace(/\/+$/, '');
    params['file'] = file;
    params['filePrefix'] = `${file.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  }
  const sql = `
    SELECT t.session_id AS session, s.agent AS agent, s.title AS title, t.idx AS step, st.kind AS kind, st.tool AS tool,
           st.ts AS timestamp, snippet(step_text, 2, '«', '»', '…', 16) AS snippet
    FROM step_text t
    JOIN sessions s ON s.id = t.session_id
    JOIN steps st ON st.session_id = t.session_id AND st.idx = t.idx
    WHERE ${where.join(' AND ')}
    ORDER BY bm25(step_text), st.ts DESC
    LIMIT @limit`;
  return db.prepare(sql).all(params) as SearchHit[];
}
