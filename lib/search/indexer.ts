// Keeping the index in step with the refs: a session whose ref tip differs from the tip the index
// recorded is read again and re-indexed whole; a session whose ref is gone is dropped. One
// `for-each-ref` tells what changed, so a fresh index costs nothing to check.

import { compareAndSwapRef } from '../../refs/ref-update.js';
import { TraceError } from '../errors.js';
import { sessionRef } from '../store/layout.js';
import type { IndexedStep } from '../model/step.js';
import type { StoredSession } from '../store/session-store.js';
import type { TraceRepo } from '../trace-repo.js';
import type { IndexDb } from './db.js';

export interface SyncResult {
  readonly indexed: number;
  readonly removed: number;
  /** Sessions whose ref had been deleted (a `git fetch --prune` with a wide refspec) and was put back. */
  readonly restored: readonly string[];
  readonly unreadable: readonly { readonly id: string; readonly error: TraceError }[];
}

/** Bring the index up to date with the refs (everything, when `rebuild`). */
export async function syncIndex(repo: TraceRepo, db: IndexDb, options: { rebuild?: boolean } = {}): Promise<SyncResult> {
  if (options.rebuild === true) db.exec('DELETE FROM sessions; DELETE FROM steps; DELETE FROM step_paths; DELETE FROM step_text; DELETE FROM usage;');
  const refs = await repo.sessions.refs();
  const known = new Map((db.prepare('SELECT id, tip FROM sessions').all() as { id: string; tip: string }[]).map((r) => [r.id, r.tip]));
  const unreadable: { id: string; error: TraceError }[] = [];
  let indexed = 0;
  for (const ref of refs) {
    if (known.get(ref.id) === ref.tip) continue;
    try {
      const session = await repo.sessions.readAt(ref.id, ref.tip);
      if (known.has(ref.id)) indexSession(db, session);
      else insertSession(db, session);
      indexed++;
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      unreadable.push({ id: ref.id, error });
    }
  }
  const live = new Set(refs.map((r) => r.id));
  const restored: string[] = [];
  const gone: string[] = [];
  for (const [id, tip] of known) {
    if (live.has(id)) continue;
    if (await restoreRef(repo, id, tip)) restored.push(id);
    else gone.push(id);
  }
  for (const id of gone) removeSession(db, id);
  return { indexed, removed: gone.length, restored, unreadable };
}

/**
 * The index remembers each session's tip. When a ref is gone but its commit is still in the
 * object store, the ref was deleted from outside (typically `git fetch --prune` with a refspec
 * like +refs/*:refs/*): put it back rather than forget the session. A session deleted on
 * purpose (`git update-ref -d`) whose objects were pruned is let go.
 */
async function restoreRef(repo: TraceRepo, id: string, tip: string): Promise<boolean> {
  if ((await repo.git.reader.readCommit(tip)) === null) return false;
  return (await compareAndSwapRef(repo.git.repo, sessionRef(id), tip, null, 'git-trace: restore a deleted session')) === 'updated';
}

/** The number of sessions whose ref moved since they were indexed (or that are not indexed). */
export async function staleSessions(repo: TraceRepo, db: IndexDb): Promise<number> {
  const refs = await repo.sessions.refs();
  const known = new Map((db.prepare('SELECT id, tip FROM sessions').all() as { id: string; tip: string }[]).map((r) => [r.id, r.tip]));
  return refs.filter((r) => known.get(r.id) !== r.tip).length + [...known.keys()].filter((id) => !refs.some((r) => r.id === id)).length;
}

function removeSession(db: IndexDb, id: string): void {
  db.prepare('DELETE FROM step_text WHERE rowid IN (SELECT id FROM steps WHERE session_id = ?)').run(id);
  db.prepare('DELETE FROM step_paths WHERE session_id = ?').run(id);
  db.prepare('DELETE FROM usage WHERE session_id = ?').run(id);
  db.prepare('DELETE FROM steps WHERE session_id = ?').run(id);
  db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
}

// Tool output can be megabytes; its head is what people search for.
const MAX_OUTPUT_INDEXED = 8 * 1024;

/** Re-index a session: its old rows out, its current ones in, in one transaction. */
export function indexSession(db: IndexDb, session: StoredSession): void {
  db.transaction(() => {
    removeSession(db, session.meta.session.id);
    insertSession(db, session);
  })();
}

/** Index a session the index does not hold yet. */
export function insertSession(db: IndexDb, session: StoredSession): void {
  const meta = session.meta.session;
  const insertStep = db.prepare('INSERT INTO steps (session_id, idx, step_id, kind, ts, tool) VALUES (?, ?, ?, ?, ?, ?)');
  const insertPath = db.prepare('INSERT INTO step_paths (step, session_id, path) VALUES (?, ?, ?)');
  // OR REPLACE: a row left behind by an interrupted write never blocks the index.
  const insertText = db.prepare('INSERT OR REPLACE INTO step_text (rowid, body) VALUES (?, ?)');
  const insertUsage = db.prepare('INSERT INTO usage (step, session_id, idx, model, usage_key, ts, usage, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('INSERT INTO sessions (id, tip, agent, title, started_at, ended_at, step_count) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      meta.id, session.tip, meta.agent, meta.title ?? null, meta.startedAt, meta.endedAt, session.steps.length,
    );
    for (const step of session.steps) {
      const row = insertStep.run(meta.id, step.index, step.id, step.kind, step.timestamp, step.kind === 'tool' ? step.tool.name : null).lastInsertRowid;
      for (const path of stepPaths(step)) insertPath.run(row, meta.id, path);
      const body = searchableText(step);
      if (body !== '') insertText.run(row, body);
      if (step.usage !== undefined || step.costUSD !== undefined) {
        insertUsage.run(row, meta.id, step.index, step.model ?? null, step.usageKey ?? null, step.timestamp, step.usage === undefined ? null : JSON.stringify(step.usage), step.costUSD ?? null);
      }
    }
  })();
}

/** Repository paths a step touched or read. */
export function stepPaths(step: IndexedStep): string[] {
  const paths = new Set<string>();
  for (const patch of step.patches ?? []) paths.add(patch.path);
  if (step.kind === 'tool') for (const read of step.tool.reads ?? []) paths.add(read);
  return [...paths];
}

export function searchableText(step: IndexedStep): string {
  switch (step.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      return step.text;
    case 'tool': {
      const input = typeof step.tool.input === 'string' ? step.tool.input : JSON.stringify(step.tool.input);
      return [step.tool.name, input, (step.tool.output ?? '').slice(0, MAX_OUTPUT_INDEXED), ...stepPaths(step)].join('\n');
    }
    case 'compaction':
    case 'subagent':
      return step.text ?? '';
  }
}
