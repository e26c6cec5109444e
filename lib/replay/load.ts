// A stored session with what rebuilding its work tree needs: the base commit and the starting
// uncommitted state (the 'start-state' ctx item, split back into one patch per file).

import { NotFoundError } from '../errors.js';
import type { Patch } from '../model/step.js';
import { resolveSessionId } from '../store/queries.js';
import type { ContextRecord } from '../store/records.js';
import type { StoredSession } from '../store/session-store.js';
import type { TraceRepo } from '../trace-repo.js';
import { splitUnifiedDiff } from './unified.js';

export interface LoadedSession {
  readonly id: string;
  readonly stored: StoredSession;
  readonly items: readonly ContextRecord[];
  /** The uncommitted changes when live capture began; empty when there were none or nobody saw. */
  readonly startState: readonly Patch[];
}

export async function loadSession(repo: TraceRepo, idOrPrefix: string): Promise<LoadedSession> {
  const id = await resolveSessionId(repo, idOrPrefix);
  const stored = await repo.sessions.read(id);
  const items = await repo.sessions.readContext(id, stored.tip);
  const startText = items.filter((i) => i.kind === 'start-state').map((i) => i.text).join('');
  return { id, stored, items, startState: splitUnifiedDiff(startText) };
}

/** The session's base commit, or a clear error when it was never recorded. */
export function requireBase(loaded: LoadedSession): string {
  const base = loaded.stored.meta.session.baseCommit;
  if (base === undefined) {
    throw new NotFoundError(`session '${loaded.id}' has no base commit`, {
      hint: 'its agent recorded none and none could be inferred at import; name one with --base REV',
    });
  }
  return base;
}
