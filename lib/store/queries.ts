// Reading many sessions at once, tolerant of damage: a session that cannot be read is reported
// and skipped, so one corrupt or foreign ref never stops the others from listing.

import { NotFoundError, TraceError, UsageError } from '../errors.js';
import type { SessionMeta } from '../model/session.js';
import type { TraceRepo } from '../trace-repo.js';

export interface SessionSummary {
  readonly id: string;
  readonly agent: SessionMeta['agent'];
  readonly title: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly stepCount: number;
  readonly cwd: string | null;
  readonly gitBranch: string | null;
}

export interface Unreadable {
  readonly id: string;
  readonly error: TraceError;
}

export interface SessionFilter {
  readonly agent?: string;
  readonly since?: Date;
}

export function summarize(meta: SessionMeta, stepCount: number): SessionSummary {
  const start = meta.startedAt === null ? NaN : Date.parse(meta.startedAt);
  const end = meta.endedAt === null ? NaN : Date.parse(meta.endedAt);
  return {
    id: meta.id,
    agent: meta.agent,
    title: meta.title ?? null,
    startedAt: meta.startedAt,
    endedAt: meta.endedAt,
    durationMs: Number.isNaN(start) || Number.isNaN(end) ? null : end - start,
    stepCount,
    cwd: meta.cwd ?? null,
    gitBranch: meta.gitBranch ?? null,
  };
}

export async function listSessions(repo: TraceRepo, filter: SessionFilter = {}): Promise<{ sessions: SessionSummary[]; unreadable: Unreadable[] }> {
  const refs = await repo.sessions.refs();
  const results = await Promise.all(
    refs.map(async (ref) => {
      try {
        const meta = await repo.sessions.readMeta(ref.id, ref.tip);
        return { summary: summarize(meta.session, meta.stepCount), unreadable: null };
      } catch (error) {
        if (error instanceof TraceError) return { summary: null, unreadable: { id: ref.id, error } };
        throw error;
      }
    }),
  );
  const sessions: SessionSummary[] = [];
  const unreadable: Unreadable[] = [];
  for (const r of results) {
    if (r.unreadable !== null) unreadable.push(r.unreadable);
    else if (r.summary !== null && matches(r.summary, filter)) sessions.push(r.summary);
  }
  sessions.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.id.localeCompare(b.id));
  return { sessions, unreadable };
}

function matches(s: SessionSummary, filter: SessionFilter): boolean {
  if (filter.agent !== undefined && s.agent !== filter.agent) return false;
  if (filter.since !== undefined) {
    const last = s.endedAt ?? s.startedAt;
    if (last === null || Date.parse(last) < filter.since.getTime()) return false;
  }
  return true;
}

/** A session id, or a unique prefix of one (at least 4 characters), to the full id. */
export async function resolveSessionId(repo: TraceRepo, idOrPrefix: string): Promise<string> {
  const refs = await repo.sessions.refs();
  if (refs.some((r) => r.id === idOrPrefix)) return idOrPrefix;
  const candidates = idOrPrefix.length >= 4 ? refs.filter((r) => r.id.startsWith(idOrPrefix)) : [];
  if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0].id;
  if (candidates.length > 1) {
    throw new UsageError(`session prefix '${idOrPrefix}' is ambiguous`, { hint: `it matches ${candidates.slice(0, 5).map((c) => c.id).join(', ')}${candidates.length > 5 ? ', …' : ''}` });
  }
  throw new NotFoundError(`no session '${idOrPrefix}'`, { hint: "list sessions with 'git trace list'" });
}
