// What attribution works over, all from the catalog: the commit graph (extended with what is new
// since the last command), the paths each commit touched, the commits' diffs as hashed lines,
// and per session its patches as evidence. A command asks for the part it prints: the sessions
// whose patches touch some paths, and among the commits touching those paths, the ones after
// each session's base. Nothing here decrypts a session.

import type { GitRepo } from '../../refs/repo.js';
import { allIn, statement, type CatalogDb } from '../catalog/db.js';
import { decodeEvidence, type PatchRow } from '../catalog/evidence-codec.js';
import { requireReadable, sessionMeta } from '../catalog/sessions.js';
import type { SessionMeta } from '../model/session.js';
import type { TraceRepo } from '../trace-repo.js';
import { anchorKeys, fileKeys } from './anchor.js';
import { CommitCache } from './commit-cache.js';
import type { CommitFile, CommitRecord } from './commit-diff.js';
import type { PatchEvidence } from './evidence.js';
import { CommitGraph, currentTips, decodeGraph, EMPTY_GRAPH, encodeGraph, extendGraph } from './graph.js';
import { pushTo } from './claims.js';
import { indexCommitPaths } from './path-index.js';

/** Without a base commit, commits this long before the session's start still count. */
const WINDOW_SLACK_SECONDS = 3600;
const GRAPH_KEY = 'commit-graph';

export interface TrailContext {
  readonly repo: TraceRepo;
  readonly git: GitRepo;
  readonly db: CatalogDb;
  readonly graph: CommitGraph;
  readonly cache: CommitCache;
  /** Commits that joined the graph when it was opened (new since the last command). */
  readonly added: readonly string[];
  /** The tips the graph was extended to: branches, remote-tracking branches, HEAD, and what the caller included. */
  readonly tips: readonly string[];
}

/** A session's patches as evidence, with what attribution needs of its metadata. */
export interface SessionEvidence {
  readonly meta: SessionMeta;
  readonly patches: readonly PatchEvidence[];
}

export interface SessionScope {
  readonly evidence: SessionEvidence;
  /** Commits that may carry the session's work (among those the command looks at). */
  readonly candidates: ReadonlySet<string>;
  /**
   * The candidates are all the commits after the session's base. False when the base is unknown
   * or outside the history walked (a time window was used): "never committed" is then not
   * provable, and such a patch is `unknown` rather than `lost`.
   */
  readonly complete: boolean;
}

export interface TrailOptions {
  /** Commits to take in besides HEAD, branches and remote-tracking branches (may still be resolving). */
  readonly include?: readonly string[] | Promise<readonly string[]>;
  /** Commits indexed so far, of how many (a long history the first time). */
  readonly progress?: (done: number, total: number) => void;
}

/** The catalog, with the commit graph and path index extended to what is new. */
export async function openTrail(repo: TraceRepo, options: TrailOptions = {}): Promise<TrailContext> {
  const git = repo.git.repo;
  // git lists the branches (and resolves what the caller asked for) while the catalog opens.
  const heads = currentTips(git);
  const include = Promise.resolve(options.include ?? []);
  for (const pending of [heads, include]) pending.catch(() => undefined);
  const catalog = await repo.catalog();
  const stored = catalog.getMeta(GRAPH_KEY);
  let data = (stored === null ? null : decodeGraph(Buffer.isBuffer(stored) ? stored : Buffer.from(stored), git.oidLength)) ?? EMPTY_GRAPH;
  const tips = [...new Set([...(await heads), ...(await include)])];
  const extension = await extendGraph(git, data, tips);
  if (extension.added.length > 0) {
    // The first command after a long history arrives indexes all of it: show that on a terminal.
    const bar = options.progress === undefined ? repo.progress('indexing commits') : null;
    try {
      await indexCommitPaths(catalog.db, git, extension.added, options.progress ?? bar?.update);
    } finally {
      bar?.done();
    }
    data = extension.data;
    // Saved once the paths are indexed: a command killed in between extends again next time.
    catalog.setMeta(GRAPH_KEY, encodeGraph(data, git.oidLength));
  }
  return { repo, git, db: catalog.db, graph: new CommitGraph(data), cache: new CommitCache(catalog.db, git, catalog.hasher), added: extension.added, tips };
}

const PATCH_COLUMNS = 'session_id, idx, step_id, path, old_path, origin, op, evidence';

/** Every session with a patch on one of `paths` (or renamed from one), with those patches only. */
export function sessionsOnPaths(ctx: TrailContext, paths: ReadonlySet<string>): SessionEvidence[] {
  const bySession = new Map<string, PatchEvidence[]>();
  const seen = new Set<string>();
  const rows = allIn<PatchRow>(ctx.db, [...paths], (marks) => `SELECT ${PATCH_COLUMNS} FROM patches WHERE path IN (${marks}) UNION SELECT ${PATCH_COLUMNS} FROM patches WHERE old_path IN (${marks})`, 2);
  for (const row of rows) {
    const evidence = decodeEvidence(row);
    if (seen.has(evidence.key)) continue;
    seen.add(evidence.key);
    pushTo(bySession, row.session_id, evidence);
  }
  const out: SessionEvidence[] = [];
  for (const id of [...bySession.keys()].sort()) {
    const meta = sessionMeta(ctx.db, id);
    if (meta !== null) out.push({ meta, patches: (bySession.get(id) ?? []).sort(byStepAndPath) });
  }
  return out;
}

/** One session's patches, all of them. */
export function sessionPatches(ctx: TrailContext, id: string): SessionEvidence {
  const meta = requireReadable(ctx.db, id);
  const rows = statement(ctx.db, `SELECT ${PATCH_COLUMNS} FROM patches WHERE session_id = ? ORDER BY idx, path`).all(id) as PatchRow[];
  return { meta, patches: rows.map(decodeEvidence).sort(byStepAndPath) };
}

function byStepAndPath(a: PatchEvidence, b: PatchEvidence): number {
  return a.step - b.step || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * The session among `universe` (the commits the command looks at): the commits after its base,
 * or, without a base in the graph, those committed since an hour before it started.
 */
export function scopeSession(ctx: TrailContext, evidence: SessionEvidence, universe: ReadonlySet<string>): SessionScope {
  return { evidence, ...sessionCandidates(ctx, evidence.meta, universe) };
}

/** scopeSession's commits for a session: they follow from its base and start alone. */
export function sessionCandidates(ctx: TrailContext, meta: Pick<SessionMeta, 'baseCommit' | 'startedAt'>, universe: ReadonlySet<string>): { candidates: ReadonlySet<string>; complete: boolean } {
  const base = meta.baseCommit;
  if (base !== undefined && ctx.graph.has(base)) {
    const before = ctx.graph.ancestorsAmong(base, universe);
    return { candidates: new Set([...universe].filter((c) => !before.has(c))), complete: true };
  }
  const started = meta.startedAt === null ? NaN : Date.parse(meta.startedAt) / 1000;
  const from = Number.isNaN(started) ? -Infinity : started - WINDOW_SLACK_SECONDS;
  return { candidates: new Set([...universe].filter((c) => (ctx.graph.time(c) ?? -Infinity) >= from)), complete: false };
}

/** The ids of the sessions sessionsOnPaths would give, without reading their patches. */
export function sessionIdsOnPaths(ctx: TrailContext, paths: ReadonlySet<string>): Set<string> {
  const rows = allIn<{ session_id: string }>(ctx.db, [...paths], (marks) => `SELECT session_id FROM patches WHERE path IN (${marks}) UNION SELECT session_id FROM patches WHERE old_path IN (${marks})`, 2);
  return new Set(rows.map((r) => r.session_id));
}

/** The metadata of these sessions (those the catalog can read), by id. */
export function sessionMetas(ctx: TrailContext, ids: Iterable<string>): SessionMeta[] {
  const out: SessionMeta[] = [];
  for (const id of [...ids].sort()) {
    const meta = sessionMeta(ctx.db, id);
    if (meta !== null) out.push(meta);
  }
  return out;
}

/** Every path a session's patches are on, or renamed from. */
export function sessionPaths(ctx: TrailContext, id: string): Set<string> {
  const out = new Set<string>();
  for (const row of statement(ctx.db, 'SELECT path, old_path FROM patches WHERE session_id = ?').all(id) as { path: string; old_path: string | null }[]) {
    out.add(row.path);
    if (row.old_path !== null) out.add(row.old_path);
  }
  return out;
}

/** Whether a patch links one of `paths` with a path outside them (an agent's rename no commit made). */
export function patchesLinkOut(ctx: TrailContext, paths: ReadonlySet<string>): boolean {
  const rows = allIn<{ path: string; old_path: string }>(ctx.db, [...paths], (marks) => `SELECT path, old_path FROM patches WHERE old_path IS NOT NULL AND (path IN (${marks}) OR old_path IN (${marks}))`, 2);
  return rows.some((r) => !paths.has(r.path) || !paths.has(r.old_path));
}

/** Load (diffing once, cached) every commit the scopes may need. */
export async function prepare(ctx: TrailContext, scopes: readonly SessionScope[], extra: Iterable<string> = []): Promise<void> {
  const all = new Set<string>(extra);
  for (const s of scopes) if (s.evidence.patches.length > 0) for (const c of s.candidates) all.add(c);
  await ctx.cache.ensure(all);
}

/** Cached commit files by path (current or old name), for looking up one patch's commits. */
export class FileLookup {
  private readonly byPath = new Map<string, { record: CommitRecord; file: CommitFile }[]>();
  private readonly keys = new Map<string, Map<string, Set<string>>>();

  constructor(ctx: TrailContext, commits: Iterable<string>) {
    for (const id of commits) {
      const record = ctx.cache.get(id);
      if (record === undefined) continue;
      for (const file of record.files) {
        this.add(file.path, record, file);
        if (file.oldPath !== undefined) this.add(file.oldPath, record, file);
      }
    }
  }

  /** The commits (among those given) touching `path`, as records holding only those files. */
  recordsFor(path: string, among: ReadonlySet<string>): CommitRecord[] {
    const out = new Map<string, CommitFile[]>();
    for (const { record, file } of this.byPath.get(path) ?? []) {
      if (!among.has(record.id)) continue;
      const files = out.get(record.id) ?? [];
      if (!files.includes(file)) files.push(file);
      out.set(record.id, files);
    }
    return [...out].map(([id, files]) => ({ id, files }));
  }

  /**
   * recordsFor `paths`, less the commits where `patch` cannot anchor (anchor.ts anchorKeys): with
   * thousands of sessions on one file, each patch looks only at the few commits that carry one
   * of its lines instead of at every commit on the file.
   */
  recordsToAnchor(patch: PatchEvidence, paths: readonly string[], among: ReadonlySet<string>): CommitRecord[] {
    const keys = anchorKeys(patch);
    if (keys === null) return paths.flatMap((p) => this.recordsFor(p, among));
    const commits = new Set<string>();
    for (const path of paths) {
      const index = this.keyIndex(path);
      for (const key of keys) for (const c of index.get(key) ?? []) if (among.has(c)) commits.add(c);
    }
    return commits.size === 0 ? [] : paths.flatMap((p) => this.recordsFor(p, commits));
  }

  /** Per path: each anchoring key its commits offer, with those commits. */
  private keyIndex(path: string): Map<string, Set<string>> {
    let index = this.keys.get(path);
    if (index !== undefined) return index;
    index = new Map();
    for (const { record, file } of this.byPath.get(path) ?? []) {
      for (const key of fileKeys(file)) {
        const set = index.get(key);
        if (set === undefined) index.set(key, new Set([record.id]));
        else set.add(record.id);
      }
    }
    this.keys.set(path, index);
    return index;
  }

  private add(path: string, record: CommitRecord, file: CommitFile): void {
    const list = this.byPath.get(path) ?? [];
    list.push({ record, file });
    this.byPath.set(path, list);
  }
}
