// Forgetting a session: everything this repository holds of it goes, and a signed tombstone
// (lib/store/tombstone.ts) stays so that nothing brings it back. What goes:
//   - its ref and the copies fetched from remotes (refs/opentraces/remotes/<remote>/sessions/<id>),
//     deleted in one ref transaction with the tombstone's creation: all or nothing;
//   - its catalog rows (summary, steps, search text, usage, patches, trust, unreadable mark);
//   - its live-capture folder (spool, temporary index, pending snapshots) and set-aside copies;
//   - the import checkpoints of its transcripts (the tombstone keeps a re-import out; without a
//     checkpoint, nothing of the session stays on this machine but the transcript itself).
// A plan is computed first and is what --dry-run prints; applying it changes nothing else.
// Not protected: git objects stay in the object store until gc, and on a remote until the
// host's gc; anyone who fetched the session before keeps their copy.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listRefs, readRef, RefContentionError, updateRefs, type RefUpdate } from '../../refs/ref-update.js';
import { stateDir } from '../../refs/repo.js';
import type { CatalogDb } from '../catalog/db.js';
import { dropSession } from '../catalog/session-rows.js';
import { captureRoot, removeCaptureDir, sessionDirName, setAsideRoot } from '../capture/paths.js';
import { loadImportState, saveImportState } from '../import/state.js';
import { forgottenRef, sessionRef, TRACE_NAMESPACE } from '../store/layout.js';
import { NotFoundError, KeyError } from '../errors.js';
import { isValidSessionId } from '../model/session.js';
import type { UserSigner } from '../store/keyring.js';
import { resolveSessionId } from '../store/queries.js';
import { writeTombstone } from '../store/tombstone.js';
import { trustContext } from '../store/trust.js';
import type { TraceRepo } from '../trace-repo.js';

export interface RefToDelete {
  readonly ref: string;
  readonly oid: string;
}

/** What forgetting one session removes here, and what the next push removes from remotes. */
export interface ForgetPlan {
  readonly id: string;
  /** Its ref and the remotes' copies of it. */
  readonly refs: readonly RefToDelete[];
  /** Catalog rows: the session's summary row (or unreadable mark) and its step rows. */
  readonly catalog: { readonly sessions: number; readonly steps: number };
  /** Live-capture folders: the spool and its set-aside copies. */
  readonly paths: readonly string[];
  /** Transcripts whose import checkpoint goes. */
  readonly imports: readonly string[];
  /** Remotes known to hold it (we hold their copy): the next push there deletes it. */
  readonly remotes: readonly string[];
  /** The tombstone already here (forgotten before, or fetched); null: one is written. */
  readonly tombstone: string | null;
}

const REMOTE_COPY = /^refs\/opentraces\/remotes\/([^/]+)\/sessions\/(.+)$/;

export async function planForget(repo: TraceRepo, id: string, db: CatalogDb | null): Promise<ForgetPlan> {
  const gitRepo = repo.git.repo;
  const refs: RefToDelete[] = [];
  const remotes: string[] = [];
  const own = await readRef(gitRepo, sessionRef(id));
  if (own !== null) refs.push({ ref: sessionRef(id), oid: own });
  for (const copy of await listRefs(gitRepo, `${TRACE_NAMESPACE}remotes/`)) {
    const match = REMOTE_COPY.exec(copy.ref);
    if (match === null || match[2] !== id) continue;
    refs.push({ ref: copy.ref, oid: copy.oid });
    remotes.push(match[1] ?? '');
  }
  const state = await loadImportState(stateDir(gitRepo));
  return {
    id,
    refs,
    catalog: db === null ? { sessions: 0, steps: 0 } : catalogRows(db, id),
    paths: capturePaths(repo, id),
    imports: Object.entries(state.files).filter(([, f]) => f.sessionId === id).map(([path]) => path),
    remotes,
    tombstone: await readRef(gitRepo, forgottenRef(id)),
  };
}

function catalogRows(db: CatalogDb, id: string): { sessions: number; steps: number } {
  const count = (sql: string): number => (db.prepare(sql).get(id) as { n: number }).n;
  return {
    sessions: count('SELECT count(*) AS n FROM sessions WHERE id = ?') + count('SELECT count(*) AS n FROM unreadable WHERE id = ?'),
    steps: count('SELECT count(*) AS n FROM steps WHERE session_id = ?'),
  };
}

function capturePaths(repo: TraceRepo, id: string): string[] {
  const name = sessionDirName(id);
  const live = join(captureRoot(repo.git.repo), name);
  const aside = setAsideRoot(repo.git.repo);
  const setAside = existsSync(aside) ? readdirSync(aside).filter((n) => n.startsWith(`${name}-`) && /^\d+$/.test(n.slice(name.length + 1))) : [];
  return [...(existsSync(live) ? [live] : []), ...setAside.map((n) => join(aside, n))];
}

const ATTEMPTS = 5;

/**
 * Remove what `plan` names and make sure the tombstone `tombstone` is at the session's
 * forgotten ref (kept when one is there already). The refs move in one transaction; when a
 * writer moved them meanwhile, the plan's refs are read again.
 */
export async function applyForget(repo: TraceRepo, plan: ForgetPlan, tombstone: string | null, db: CatalogDb | null): Promise<void> {
  const gitRepo = repo.git.repo;
  let refs = plan.refs;
  for (let attempt = 0; ; attempt++) {
    const present = await readRef(gitRepo, forgottenRef(plan.id));
    const updates: RefUpdate[] = [
      ...(present === null && tombstone !== null ? [{ ref: forgottenRef(plan.id), newOid: tombstone, oldOid: null }] : []),
      ...refs.map((r) => ({ ref: r.ref, newOid: null, oldOid: r.oid })),
    ];
    if ((await updateRefs(gitRepo, updates, 'git-trace: forget')) === 'updated') break;
    if (attempt + 1 >= ATTEMPTS) throw new RefContentionError(`cannot forget session '${plan.id}': its refs kept changing`, { hint: 'another process is writing this session; run the command again' });
    refs = (await planForget(repo, plan.id, null)).refs;
  }
  if (db !== null) db.transaction(() => dropSession(db, plan.id))();
  for (const path of plan.paths) removeCaptureDir(path);
  if (plan.imports.length > 0) {
    const dir = stateDir(gitRepo);
    const state = await loadImportState(dir);
    for (const path of plan.imports) if (state.files[path]?.sessionId === plan.id) delete state.files[path];
    await saveImportState(dir, state);
  }
}

/** One session as forgotten (or as --dry-run would forget it). */
export interface ForgottenSession extends ForgetPlan {
  /** Forgotten before this run: only leftovers went. */
  readonly already: boolean;
  /** This run signs (or, with --dry-run, would sign) a new tombstone; `tombstone` is then its id (null in a dry run). */
  readonly newTombstone: boolean;
}

export interface ForgetResult {
  readonly dryRun: boolean;
  readonly sessions: readonly ForgottenSession[];
  /** Things the user should know (a tombstone other clones will refuse). */
  readonly warnings: readonly string[];
}

/** An id as other commands take it (full or a unique prefix), or the exact id of a session forgotten already. */
export async function resolveForForget(repo: TraceRepo, idOrPrefix: string): Promise<string> {
  try {
    return await resolveSessionId(repo, idOrPrefix);
  } catch (error) {
    if (error instanceof NotFoundError && isValidSessionId(idOrPrefix) && (await readRef(repo.git.repo, forgottenRef(idOrPrefix))) !== null) return idOrPrefix;
    throw error;
  }
}

/**
 * Forget sessions `ids` (resolved, see resolveForForget): plan all first, so that a problem
 * (no signing key) leaves every one of them as it was; then apply each plan with a new signed
 * tombstone, or the one already here.
 */
export async function forgetSessions(repo: TraceRepo, ids: readonly string[], options: { readonly dryRun: boolean }): Promise<ForgetResult> {
  const { db } = await repo.catalog();
  const plans = await Promise.all([...new Set(ids)].map((id) => planForget(repo, id, db)));
  const warnings: string[] = [];
  const signer = plans.some((p) => p.tombstone === null) ? await repo.keys.signer() : null;
  if (plans.some((p) => p.tombstone === null)) {
    if (signer === null) throw new KeyError('forget signs a tombstone, and you have no signing key', { hint: "run 'git trace init' to make one" });
    if (!(await trustContext(repo.git)).current.has(signer.publicKey)) {
      warnings.push("your signing key is not a current recipient's: other clones will refuse these tombstones and keep the sessions");
    }
  }
  const outcome = (plan: ForgetPlan, tombstone: string | null): ForgottenSession => ({ ...plan, tombstone, already: plan.tombstone !== null && plan.refs.length === 0, newTombstone: plan.tombstone === null });
  if (options.dryRun) return { dryRun: true, sessions: plans.map((p) => outcome(p, p.tombstone)), warnings };
  const sessions: ForgottenSession[] = [];
  for (const plan of plans) {
    const tombstone = plan.tombstone ?? (await writeTombstone(repo.git, plan.id, signer as UserSigner));
    await applyForget(repo, plan, tombstone, db);
    sessions.push(outcome(plan, tombstone));
  }
  return { dryRun: false, sessions, warnings };
}
