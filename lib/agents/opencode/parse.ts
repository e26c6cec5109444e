// One OpenCode 2.x session, read from its database rows into normalized steps. The whole
// session is read each time (its rows are rewritten in place while OpenCode streams, so there is
// no offset to resume from); steps keep their ids, and the store keeps the latest of each.
// Rows that make no step are counted in `stats.skipped` by type (`idle`, `model-switched`…).

import { basename } from 'node:path';
import { asString, compact } from '../../model/json.js';
import { latest, type SessionInfo } from '../../model/session.js';
import { STEP_VERSION, type Step } from '../../model/step.js';
import type { ParseOptions, ParseResult } from '../types.js';
import { hasSessionTables, messageRows, sessionRows, splitSessionPath, withDatabase, type MessageRow, type SessionRow } from './db.js';
import { assistantSteps, isoTime } from './steps.js';

export async function parseOpenCodeSession(file: string, options: ParseOptions): Promise<ParseResult> {
  const where = splitSessionPath(file);
  // Like every adapter, a file that is not this agent's is a warning and no steps, never a throw.
  if (where === null) return unreadable(file, options, `not an OpenCode session: expected <database>#<session id>, as 'git trace import' lists them`);
  let read: { session: SessionRow | undefined; rows: MessageRow[] };
  try {
    read = await withDatabase(where.database, (db) => {
      if (!hasSessionTables(db)) throw new Error('it has no OpenCode 2.x session tables');
      return { session: sessionRows(db, where.sessionId)[0], rows: messageRows(db, where.sessionId) };
    });
  } catch (error) {
    return unreadable(file, options, `cannot read OpenCode database '${where.database}': ${(error as Error).message}`);
  }
  const { session, rows } = read;
  if (session === undefined && rows.length === 0) return unreadable(file, options, `OpenCode database '${where.database}' has no session '${where.sessionId}'`);
  const steps: Step[] = [];
  const skipped: Record<string, number> = {};
  let badLines = 0;
  let endedAt = isoTime(session?.timeUpdated);
  for (const [index, row] of rows.entries()) {
    const at = isoTime(row.timeCreated);
    endedAt = latest(endedAt, at);
    if (row.data === undefined) {
      badLines++;
      options.warn({ file, line: index + 1, message: `row '${row.id}' has no JSON object in 'data'` });
      continue;
    }
    const made = rowSteps(row, at, options.repoRoot, session?.directory);
    if (made.length === 0) skipped[row.type] = (skipped[row.type] ?? 0) + 1;
    steps.push(...made);
  }
  return {
    session: sessionInfo(where.sessionId, session, endedAt),
    steps,
    context: [],
    checkpoint: { from: { offset: 0, line: 0 } },
    stats: { lines: rows.length, skipped, badLines },
  };
}

function unreadable(file: string, options: ParseOptions, message: string): ParseResult {
  options.warn({ file, line: 1, message });
  const id = splitSessionPath(file)?.sessionId ?? basename(file).replace(/\.[^.]*$/, '');
  return { session: { id, agent: 'opencode', startedAt: null, endedAt: null }, steps: [], context: [], checkpoint: { from: { offset: 0, line: 0 } }, stats: { lines: 0, skipped: {}, badLines: 1 } };
}

function rowSteps(row: MessageRow, at: string | null, repoRoot: string | null, cwd: string | undefined): Step[] {
  const data = row.data ?? {};
  const base = { v: STEP_VERSION, id: row.id, sourceId: row.id, timestamp: at };
  switch (row.type) {
    case 'user': {
      const text = asString(data['text']);
      return text === undefined || text === '' ? [] : [{ ...base, kind: 'prompt', text }];
    }
    case 'assistant':
      return assistantSteps(data, compact({ rowId: row.id, timestamp: at, repoRoot, cwd }));
    case 'compaction': {
      const reason = asString(data['reason']);
      return [compact({ ...base, kind: 'compaction' as const, text: asString(data['summary']), trigger: reason === 'auto' || reason === 'manual' ? reason : undefined })];
    }
    default:
      return [];
  }
}

function sessionInfo(id: string, row: SessionRow | undefined, endedAt: string | null): SessionInfo {
  return compact({
    id,
    agent: 'opencode' as const,
    title: row?.title,
    startedAt: isoTime(row?.timeCreated),
    endedAt,
    cwd: row?.directory,
    agentVersion: row?.version,
    parentSessionId: row?.parentId,
  });
}

