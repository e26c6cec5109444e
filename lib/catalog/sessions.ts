// Reading sessions from the catalog, nothing decrypted: summaries for `list`, one session's
// metadata, ids and prefixes, and the sessions it knows it cannot read.

import { KeyError, NotFoundError, UsageError } from '../errors.js';
import type { AgentName, SessionMeta } from '../model/session.js';
import type { MetaRecord } from '../store/records.js';
import { statement, type CatalogDb } from './db.js';

export interface SessionSummary {
  readonly id: string;
  readonly agent: AgentName;
  readonly title: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly stepCount: number;
  readonly cwd: string | null;
  readonly gitBranch: string | null;
}

export interface SessionFilter {
  readonly agent?: string;
  readonly since?: Date;
}

export interface SummaryPage {
  readonly sessions: readonly SessionSummary[];
  /** Sessions matching the filter, listed or not. */
  readonly total: number;
}

interface SummaryRow {
  readonly id: string;
  readonly agent: AgentName;
  readonly title: string | null;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly step_count: number;
  readonly cwd: string | null;
  readonly git_branch: string | null;
}

/**
 * SQL conditions for --agent and --since over the sessions table (aliased `alias`), with their
 * parameters; `time` is the moment compared with --since (default: the session's last).
 */
export function filterConditions(filter: SessionFilter, alias = '', time?: string): { where: string[]; params: Record<string, unknown> } {
  const a = alias === '' ? '' : `${alias}.`;
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.agent !== undefined) {
    where.push(`${a}agent = @agent`);
    params['agent'] = filter.agent;
  }
  if (filter.since !== undefined) {
    where.push(`${time ?? `coalesce(${a}ended_at, ${a}started_at)`} >= @since`);
    params['since'] = filter.since.toISOString();
  }
  return { where, params };
}

/** Sessions newest first (then by id), at most `limit` of them. */
export function sessionSummaries(db: CatalogDb, filter: SessionFilter = {}, limit?: number): SummaryPage {
  const { where, params } = filterConditions(filter);
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const total = (db.prepare(`SELECT count(*) AS n FROM sessions ${clause}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(`SELECT id, agent, title, started_at, ended_at, step_count, cwd, git_branch FROM sessions ${clause} ORDER BY coalesce(started_at, '') DESC, id ${limit === undefined ? '' : 'LIMIT @limit'}`)
    .all(limit === undefined ? params : { ...params, limit }) as SummaryRow[];
  return { sessions: rows.map(toSummary), total };
}

function toSummary(r: SummaryRow): SessionSummary {
  return { id: r.id, agent: r.agent, title: r.title, startedAt: r.started_at, endedAt: r.ended_at, durationMs: duration(r.started_at, r.ended_at), stepCount: r.step_count, cwd: r.cwd, gitBranch: r.git_branch };
}

/** A session's summary from its metadata (what `show` prints at the top). */
export function summarize(meta: SessionMeta, stepCount: number): SessionSummary {
  return {
    id: meta.id,
    agent: meta.agent,
    title: meta.title ?? null,
    startedAt: meta.startedAt,
    endedAt: meta.endedAt,
    durationMs: duration(meta.startedAt, meta.endedAt),
    stepCount,
    cwd: meta.cwd ?? null,
    gitBranch: meta.gitBranch ?? null,
  };
}

function duration(startedAt: string | null, endedAt: string | null): number | null {
  const start = startedAt === null ? NaN : Date.parse(startedAt);
  const end = endedAt === null ? NaN : Date.parse(endedAt);
  return Number.isNaN(start) || Number.isNaN(end) ? null : end - start;
}

/** A session's metadata record and tip; null when the catalog holds no readable session `id`. */
export function sessionRecord(db: CatalogDb, id: string): { readonly record: MetaRecord; readonly tip: string } | null {
  const row = statement(db, 'SELECT tip, record FROM sessions WHERE id = ?').get(id) as { tip: string; record: string } | undefined;
  return row === undefined ? null : { tip: row.tip, record: JSON.parse(row.record) as MetaRecord };
}

export function sessionMeta(db: CatalogDb, id: string): SessionMeta | null {
  return sessionRecord(db, id)?.record.session ?? null;
}

/** A session id, or a unique prefix of one (at least 4 characters), to the full id. */
export function resolveSessionPrefix(db: CatalogDb, idOrPrefix: string): string {
  const ids = (prefix: string, limit: number): string[] =>
    (
      statement(db, "SELECT id FROM (SELECT id FROM sessions UNION SELECT id FROM unreadable) WHERE substr(id, 1, length(@p)) = @p ORDER BY id LIMIT @limit")
        .all({ p: prefix, limit }) as { id: string }[]
    ).map((r) => r.id);
  const exact = statement(db, 'SELECT 1 FROM sessions WHERE id = ? UNION SELECT 1 FROM unreadable WHERE id = ?').get(idOrPrefix, idOrPrefix);
  if (exact !== undefined) return idOrPrefix;
  const candidates = idOrPrefix.length >= 4 ? ids(idOrPrefix, 6) : [];
  if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0];
  if (candidates.length > 1) {
    throw new UsageError(`session prefix '${idOrPrefix}' is ambiguous`, { hint: `it matches ${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', …' : ''}` });
  }
  if (idOrPrefix.length < 4 && ids(idOrPrefix, 1).length > 0) {
    throw new UsageError(`session prefix '${idOrPrefix}' is too short`, { hint: 'give at least 4 characters of the id' });
  }
  throw new NotFoundError(`no session '${idOrPrefix}'`, { hint: "list sessions with 'git trace list'" });
}

/** A session's metadata, or an error saying why it cannot be had: not there, or not readable. */
export function requireReadable(db: CatalogDb, id: string): SessionMeta {
  const meta = sessionMeta(db, id);
  if (meta !== null) return meta;
  const failed = statement(db, 'SELECT kind, message FROM unreadable WHERE id = ?').get(id) as { kind: string; message: string } | undefined;
  if (failed !== undefined) throw new KeyError(`cannot read session '${id}': ${failed.message}`, { hint: "check that GIT_TRACE_IDENTITY names your key, or run 'git trace verify'" });
  throw new NotFoundError(`no session '${id}'`, { hint: "list sessions with 'git trace list'" });
}

export interface UnreadableSession {
  readonly id: string;
  readonly kind: string;
  readonly message: string;
}

export function unreadableSessions(db: CatalogDb): UnreadableSession[] {
  return statement(db, 'SELECT id, kind, message FROM unreadable ORDER BY id').all() as UnreadableSession[];
}
