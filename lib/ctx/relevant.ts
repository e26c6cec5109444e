// Prior-session context for what you are about to work on: the sessions that changed or read the
// given files (found through the local search index), or that ran on the current branch, most
// recent first, each told in a few lines: what it changed there, what failed, what it undid.
// Bounded in size; empty when nothing is relevant.

import { listSessions } from '../store/queries.js';
import type { TraceRepo } from '../trace-repo.js';
import type { StoredSession } from '../store/session-store.js';
import { effectivePatches } from '../replay/trail.js';
import { buildResumePacket, type ResumePacket } from './resume.js';

export interface RelevantQuery {
  /** Repository-relative paths (a folder matches what is below it). */
  readonly files: readonly string[];
  /** Sessions on this branch count too (null: none). */
  readonly branch: string | null;
  /** Session ids left out (the session asking). */
  readonly exclude: readonly string[];
  readonly maxSessions: number;
}

export interface FileTouch {
  readonly path: string;
  readonly changed: readonly number[];
  readonly read: readonly number[];
}

export interface RelevantSession {
  readonly id: string;
  readonly agent: string;
  readonly title: string | null;
  readonly endedAt: string | null;
  readonly branch: string | null;
  readonly why: 'files' | 'branch';
  readonly touches: readonly FileTouch[];
  readonly packet: ResumePacket;
}

export async function findRelevant(repo: TraceRepo, query: RelevantQuery): Promise<RelevantSession[]> {
  const candidates = new Map<string, 'files' | 'branch'>();
  if (query.files.length > 0) for (const id of await sessionsTouching(repo, query.files)) candidates.set(id, 'files');
  if (query.branch !== null) {
    const { sessions } = await listSessions(repo);
    for (const s of sessions) if (s.gitBranch === query.branch && !candidates.has(s.id)) candidates.set(s.id, 'branch');
  }
  for (const id of query.exclude) candidates.delete(id);
  const read: { stored: StoredSession; why: 'files' | 'branch' }[] = [];
  for (const [id, why] of candidates) {
    try {
      read.push({ stored: await repo.sessions.read(id), why });
    } catch {
      // A session that cannot be read is no context; `git trace verify` reports it.
    }
  }
  read.sort((a, b) => (b.stored.meta.session.endedAt ?? '').localeCompare(a.stored.meta.session.endedAt ?? '') || a.stored.meta.session.id.localeCompare(b.stored.meta.session.id));
  return read.slice(0, query.maxSessions).map(({ stored, why }) => {
    const meta = stored.meta.session;
    const last = stored.steps.length - 1;
    return {
      id: meta.id,
      agent: meta.agent,
      title: meta.title ?? null,
      endedAt: meta.endedAt,
      branch: meta.gitBranch ?? null,
      why,
      touches: touchesOf(stored, query.files),
      packet: buildResumePacket(stored, Math.max(last, 0)),
    };
  });
}

/** Session ids with a step that changed or read one of the paths, from the catalog. */
async function sessionsTouching(repo: TraceRepo, files: readonly string[]): Promise<string[]> {
  const { db } = await repo.catalog({ quietUnreadable: true });
  {
    const statement = db.prepare("SELECT DISTINCT session_id AS id FROM step_paths WHERE path = ? OR path LIKE ? ESCAPE '\\'");
    const ids = new Set<string>();
    for (const file of files) {
      const clean = file.replace(/^\.\//, '').replace(/\/+$/, '');
      for (const row of statement.all(clean, `${clean.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`) as { id: string }[]) ids.add(row.id);
    }
    return [...ids];
  }
}

function touchesOf(stored: StoredSession, files: readonly string[]): FileTouch[] {
  const matches = (path: string): string | undefined => files.find((f) => path === f || path.startsWith(`${f.replace(/\/+$/, '')}/`));
  const byPath = new Map<string, { changed: number[]; read: number[] }>();
  const add = (path: string, key: 'changed' | 'read', step: number): void => {
    if (matches(path) === undefined) return;
    const t = byPath.get(path) ?? { changed: [], read: [] };
    if (!t[key].includes(step)) t[key].push(step);
    byPath.set(path, t);
  };
  for (const step of stored.steps) {
    for (const p of effectivePatches(step)) add(p.path, 'changed', step.index);
    if (step.kind === 'tool') for (const r of step.tool.reads ?? []) add(r, 'read', step.index);
  }
  return [...byPath.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, t]) => ({ path, ...t }));
}
