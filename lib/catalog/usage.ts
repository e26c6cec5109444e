// Token usage read back from the index: the steps that carry usage, in each session's order,
// reduced to what cost needs. Lets `git trace cost` answer without decrypting any session.

import type { CostSession } from '../analysis/cost.js';
import { filterConditions, type SessionFilter } from './sessions.js';
import { tryParseJson } from '../model/json.js';
import type { Step, Usage } from '../model/step.js';
import type { CatalogDb } from './db.js';

interface UsageRow {
  readonly session_id: string;
  readonly agent: string;
  readonly idx: number;
  readonly model: string | null;
  readonly usage_key: string | null;
  readonly ts: string | null;
  readonly usage: string | null;
  readonly cost_usd: number | null;
}

/** Sessions (oldest first, as ccusage reads them) with their usage-bearing steps. */
export function usageSessions(db: CatalogDb, filter: SessionFilter = {}): CostSession[] {
  const { where, params } = filterConditions(filter, 's');
  const rows = db
    .prepare(
      `SELECT u.session_id, s.agent, u.idx, u.model, u.usage_key, u.ts, u.usage, u.cost_usd
       FROM usage u JOIN sessions s ON s.id = u.session_id
       ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY coalesce(s.started_at, ''), s.id, u.idx`,
    )
    .all(params) as UsageRow[];
  const sessions = new Map<string, { session: { id: string; agent: string }; steps: Step[] }>();
  for (const row of rows) {
    let entry = sessions.get(row.session_id);
    if (entry === undefined) sessions.set(row.session_id, (entry = { session: { id: row.session_id, agent: row.agent }, steps: [] }));
    const usage = row.usage === null ? undefined : (tryParseJson(row.usage) as Usage | undefined);
    entry.steps.push({
      v: 1,
      id: `${row.session_id}:${row.idx}`,
      kind: 'message',
      text: '',
      timestamp: row.ts,
      ...(row.model === null ? {} : { model: row.model }),
      ...(row.usage_key === null ? {} : { usageKey: row.usage_key }),
      ...(usage === undefined ? {} : { usage }),
      ...(row.cost_usd === null ? {} : { costUSD: row.cost_usd }),
    });
  }
  return [...sessions.values()];
}
