// What attribution works over: the repository's commit graph (one rev-list), the anchor cache,
// and, per session, its evidence and its candidate commits (those after its base).

import type { GitRepo } from '../../refs/repo.js';
import type { TraceRepo } from '../trace-repo.js';
import { AnchorCache } from './anchor-cache.js';
import type { CommitFile, CommitRecord } from './commit-diff.js';
import { sessionEvidence, type SessionEvidence } from './evidence.js';
import { History, type HistoryOptions } from './history.js';

/** Without a base commit, commits this long before the session's start still count. */
const WINDOW_SLACK_SECONDS = 3600;

export interface TrailContext {
  readonly repo: TraceRepo;
  readonly git: GitRepo;
  readonly history: History;
  readonly cache: AnchorCache;
}

export interface SessionScope {
  readonly evidence: SessionEvidence;
  /** Commits that may carry the session's work. */
  readonly candidates: ReadonlySet<string>;
  /**
   * The candidates are all the commits after the session's base. False when the base is unknown
   * or outside the history walked (a time window was used): "never committed" is then not
   * provable, and such a patch is `unknown` rather than `lost`.
   */
  readonly complete: boolean;
}

export async function openTrail(repo: TraceRepo, options: HistoryOptions = {}): Promise<TrailContext> {
  const git = repo.git.repo;
  const history = await History.load(git, options);
  return { repo, git, history, cache: AnchorCache.open(git) };
}

/** Read a session and scope it; its candidate commits are diffed by `prepare`. */
export async function loadSession(ctx: TrailContext, id: string): Promise<SessionScope> {
  const stored = await ctx.repo.sessions.read(id);
  return scopeSession(ctx, sessionEvidence(stored.meta.session, stored.steps, ctx.cache.hasher));
}

export function scopeSession(ctx: TrailContext, evidence: SessionEvidence): SessionScope {
  const { history } = ctx;
  const base = evidence.meta.baseCommit;
  if (base !== undefined && history.has(base)) {
    const before = history.ancestors(base);
    return { evidence, candidates: new Set(history.order.filter((n) => !before.has(n.id)).map((n) => n.id)), complete: true };
  }
  const started = evidence.meta.startedAt === null ? NaN : Date.parse(evidence.meta.startedAt) / 1000;
  const from = Number.isNaN(started) ? -Infinity : started - WINDOW_SLACK_SECONDS;
  return { evidence, candidates: new Set(history.order.filter((n) => n.time >= from).map((n) => n.id)), complete: false };
}

/** Diff (once, cached) every commit the scopes may need. */
export async function prepare(ctx: TrailContext, scopes: readonly SessionScope[], extra: Iterable<string> = []): Promise<void> {
  const all = new Set<string>(extra);
  for (const s of scopes) if (s.evidence.patches.length > 0) for (const c of s.candidates) all.add(c);
  await ctx.cache.ensure(all);
}

/** Cached commit files by path (current or old name), for looking up one patch's commits. */
export class FileLookup {
  private readonly byPath = new Map<string, { record: CommitRecord; file: CommitFile }[]>();

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

  private add(path: string, record: CommitRecord, file: CommitFile): void {
    const list = this.byPath.get(path) ?? [];
    list.push({ record, file });
    this.byPath.set(path, list);
  }
}
