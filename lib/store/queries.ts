// Reading many sessions at once, from the catalog (nothing decrypted). A session that cannot be
// read is reported and skipped, so one corrupt or foreign ref never stops the others listing.

import { resolveSessionPrefix, sessionSummaries, unreadableSessions, type SessionFilter, type SessionSummary, type UnreadableSession } from '../catalog/sessions.js';
import type { TraceRepo } from '../trace-repo.js';

export { summarize, type SessionFilter, type SessionSummary, type UnreadableSession } from '../catalog/sessions.js';

export interface SessionList {
  readonly sessions: readonly SessionSummary[];
  /** Sessions matching the filter, listed or not (more than `sessions` with a limit). */
  readonly total: number;
  readonly unreadable: readonly UnreadableSession[];
}

/** Sessions newest first; with `limit`, the newest `limit` of them. */
export async function listSessions(repo: TraceRepo, filter: SessionFilter = {}, limit?: number): Promise<SessionList> {
  const catalog = await repo.catalog();
  const page = sessionSummaries(catalog.db, filter, limit);
  return { ...page, unreadable: unreadableSessions(catalog.db) };
}

/** A session id, or a unique prefix of one (at least 4 characters), to the full id. */
export async function resolveSessionId(repo: TraceRepo, idOrPrefix: string): Promise<string> {
  return resolveSessionPrefix((await repo.catalog()).db, idOrPrefix);
}
