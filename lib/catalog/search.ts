// Searching the index: full-text over prompts, replies, reasoning, commands, tool output and
// paths (FTS5, ranked by bm25), filtered by agent, time and file.

import { filterConditions, type SessionFilter } from './sessions.js';
import type { CatalogDb } from './db.js';

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

/**
 * How many of the newest matches are ranked. Ranking every match of a word found in a quarter
 * of a million steps takes seconds; ranking the newest few thousand keeps any query fast, and
 * what is wanted is mostly recent. Rarer words are ranked in full.
 */
export const RANKED_MATCHES = 2000;

export function search(db: CatalogDb, query: string, options: SearchOptions = {}): SearchHit[] {
  const fts = toFtsQuery(query);
  if (fts === '') return [];
  const filter = filterConditions(options, 's', 'coalesce(st.ts, s.ended_at, s.started_at)');
  const where = filter.where;
  const params: Record<string, unknown> = { ...filter.params, fts, limit: options.limit ?? 20, window: RANKED_MATCHES };
  if (options.file !== undefined) {
    where.push("EXISTS (SELECT 1 FROM step_paths p WHERE p.step = st.id AND (p.path = @file OR p.path LIKE @filePrefix ESCAPE '\\'))");
    const file = options.file.replace(/^\.\//, '').replace(/\/+$/, '');
    params['file'] = file;
    params['filePrefix'] = `${file.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  }
  // Filters narrow before ranking: with one, every match that passes it is ranked.
  const windowed = where.length === 0
    ? 'AND step_text.rowid >= coalesce((SELECT min(rowid) FROM (SELECT rowid FROM step_text WHERE step_text MATCH @fts ORDER BY rowid DESC LIMIT @window)), 0)'
    : '';
  const sql = `
    SELECT st.session_id AS session, s.agent AS agent, s.title AS title, st.idx AS step, st.kind AS kind, st.tool AS tool,
           st.ts AS timestamp, snippet(step_text, 0, '«', '»', '…', 16) AS snippet
    FROM step_text
    JOIN steps st ON st.id = step_text.rowid
    JOIN sessions s ON s.id = st.session_id
    WHERE step_text MATCH @fts ${windowed} ${where.map((w) => `AND ${w}`).join(' ')}
    ORDER BY bm25(step_text), st.ts DESC
    LIMIT @limit`;
  return db.prepare(sql).all(params) as SearchHit[];
}
