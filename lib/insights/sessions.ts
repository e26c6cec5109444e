// The sessions a per-session analysis (audit, insights) reads: one named by ID (or a unique
// prefix), or every session of the filter. Shared so both name, resolve and read them alike.

import type { SessionFilter } from '../catalog/sessions.js';
import type { StoredSession } from '../store/session-store.js';
import { listSessions, resolveSessionId } from '../store/queries.js';
import type { TraceRepo } from '../trace-repo.js';

/** The full ids: `[id]` resolved, or the filter's sessions as the catalog lists them. */
export async function selectSessions(repo: TraceRepo, id: string | undefined, filter: SessionFilter): Promise<string[]> {
  if (id !== undefined) return [await resolveSessionId(repo, id)];
  return (await listSessions(repo, filter)).sessions.map((s) => s.id);
}

/** Read each session in turn (decrypted one at a time, so memory follows one session). */
export async function* readSessions(repo: TraceRepo, ids: readonly string[]): AsyncGenerator<{ readonly id: string; readonly session: StoredSession }> {
  for (const id of ids) yield { id, session: await repo.sessions.read(id) };
}
