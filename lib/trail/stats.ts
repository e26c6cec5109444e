// `stats`: over a range of commits, the lines agents added and the lines people added, and what
// became of the agents' work at the range's head (each patch's survival state, as `track` judges
// it), with the tokens and cost of the sessions behind it.
//
// Rules: deterministic, from the catalog, nothing decrypted. The default window is the 30 days
// before HEAD's commit date, never before the time of the run, so the same history gives the
// same bytes. A line is an agent's when a session's patch is anchored to it in the range's
// commits (as in `blame pr`); every other added line is a person's, a person's edit of an
// agent's line included (it is the editing commit's, as in `blame`). At the head, an agent's
// line a person edited since no longer counts as the agent's surviving line: it is counted
// apart (`editedLines`). A session's tokens and cost count whole, once per group it contributes
// to.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { aggregateCost, type CostSession } from '../analysis/cost.js';
import type { Catalog } from '../catalog/catalog.js';
import { stepModels } from '../catalog/steps.js';
import { usageSessions } from '../catalog/usage.js';
import type { SessionMeta } from '../model/session.js';
import type { TraceRepo } from '../trace-repo.js';
import { provesAlone, type PatchAnchors } from './anchor.js';
import { addTo, lineKey, pushTo } from './claims.js';
import { resolveRange } from './blame-pr.js';
import { commitsTouching, renameClosure } from './path-index.js';
import { resolveCommit } from './revision.js';
import { openTrail, patchesLinkOut, prepare, scopeSession, sessionCandidates, sessionIdsOnPaths, sessionMetas, sessionPatches, sessionPaths, sessionsOnPaths, type SessionEvidence, type SessionScope, type TrailContext } from './scope.js';
import { readAnswer, readBasis, readPatches, renameAnswers, storeAnswers, statsState, type RangePatch, type StatsLearnt, type StatsState } from './stats-store.js';
import { anchorScopes, judge, SURVIVAL_STATES, type Survival } from './survival.js';

export const STATS_VERSION = 1;
export const STATS_GROUPINGS = ['agent', 'model', 'author', 'session', 'day'] as const;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];

/** The default window: this many days before HEAD's commit date. */
export const DEFAULT_WINDOW_DAYS = 30;

export interface StatsCommit {
  readonly id: string;
  readonly subject: string;
  readonly author: string;
  /** Committer date, ISO 8601 UTC. */
  readonly date: string;
  readonly addedLines: number;
  readonly agentLines: number;
  readonly humanLines: number;
  /** Sessions with a patch anchored to its added lines, sorted. */
  readonly sessions: readonly string[];
}

export interface StatsTokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

export interface StatsRow {
  /** Agent name, model id, author name, session id or UTC day `YYYY-MM-DD`. */
  readonly key: string;
  readonly agentLines: number;
  /** Lines people added: for `author` and `day` rows, in the row's commits; 0 otherwise. */
  readonly humanLines: number;
  /** agentLines over the row's added lines (`author`, `day`) or the range's (other groupings). */
  readonly share: number;
  /**
   * The patches whose lines the range carries, per state at the head. By `author` or `day`, a
   * patch (its state, surviving lines, revert, and its session's cost) counts in the row of its
   * first commit.
   */
  readonly patches: Readonly<Record<Survival, number>>;
  /** Those patches' lines in the range, per their patch's state. */
  readonly lines: Readonly<Record<Survival, number>>;
  /** Lines of those patches still at the head as the agent wrote them (or only reformatted). */
  readonly survivingLines: number;
  /** Lines of those patches at the head only as a later commit edited them: people's lines now. */
  readonly editedLines: number;
  /** From the commit that carried a reverted patch to its revert, in seconds; null without any. */
  readonly medianRevertSeconds: number | null;
  readonly sessions: number;
  readonly tokens: StatsTokens;
  readonly costUSD: number;
  /** costUSD over survivingLines; null when no line survives. */
  readonly costPerSurvivingLine: number | null;
}

export interface StatsTotals extends Omit<StatsRow, 'key' | 'humanLines'> {
  readonly addedLines: number;
  readonly humanLines: number;
}

export interface StatsReport {
  readonly version: typeof STATS_VERSION;
  readonly by: StatsGrouping;
  readonly range: { readonly since: string | null; readonly base: string | null; readonly head: { readonly ref: string; readonly commit: string } };
  readonly commits: readonly StatsCommit[];
  readonly rows: readonly StatsRow[];
  readonly totals: StatsTotals;
}

export interface StatsOptions {
  /** `BASE..HEAD`, resolved as `blame pr` does. */
  readonly range?: string;
  /** The window's start, instead of 30 days before HEAD's commit date (ignored with `range`). */
  readonly since?: (headDate: Date) => Date;
  /**
   * Names the window among the stored answers (default: the range, else `default`): an answer
   * stored for an earlier state of the same window can be given as stale (storedStats).
   */
  readonly window?: string;
  readonly by?: StatsGrouping;
}

interface RangeCommit {
  readonly id: string;
  readonly subject: string;
  readonly author: string;
  readonly time: number;
}

export async function computeStats(repo: TraceRepo, options: StatsOptions = {}): Promise<StatsReport> {
  const by = options.by ?? 'agent';
  const opened = await openStats(repo, options);
  const stored = readAnswer<StatsReport>(opened.catalog, opened.slot, by, opened.state.key);
  if (stored?.current === true) return stored.report;
  if (stored !== null && (await takeOver(opened))) return stored.report;
  const { patches, commits, learnt } = (await update(opened)) ?? (await computeAll(opened.ctx, opened.window));
  const reports = reportsOf(opened.ctx, opened.window, commits, patches);
  // Stored only if nothing moved meanwhile (a session flushed while this ran, say): the
  // reports are then exactly the state the key names.
  if (stateOf(opened.ctx, opened.window).key === opened.state.key) storeAnswers(opened.catalog, opened.slot, opened.state, reports, learnt, patches);
  return reports.get(by) as StatsReport;
}

export interface StoredStats {
  readonly report: StatsReport;
  /** False: stored for an earlier state of the history or the sessions (a stale answer). */
  readonly current: boolean;
}

/**
 * The answer an earlier run stored for this window and grouping, current or not; null when none.
 * Nothing is computed or taken over (computeStats does that): a quick read.
 */
export async function storedStats(repo: TraceRepo, options: StatsOptions = {}): Promise<StoredStats | null> {
  const opened = await openStats(repo, options);
  return readAnswer<StatsReport>(opened.catalog, opened.slot, options.by ?? 'agent', opened.state.key);
}

interface OpenedStats {
  readonly window: Window;
  readonly ctx: TrailContext;
  readonly catalog: Catalog;
  readonly state: StatsState;
  /** The window's name among the stored answers. */
  readonly slot: string;
}

async function openStats(repo: TraceRepo, options: StatsOptions): Promise<OpenedStats> {
  const window = await resolveWindow(repo.git.repo, options);
  const ctx = await openTrail(repo, { include: [window.head.commit] });
  const slot = options.window ?? (options.range === undefined ? 'default' : `range ${options.range}`);
  return { window, ctx, catalog: await repo.catalog(), state: stateOf(ctx, window), slot };
}

// The answer depends only on the window's commits, the commit graph (its tips), the sessions
// the catalog holds (each at its ref's tip) and this code (stats-store.ts): it is given again
// while none of them moved (the dashboard asks for it on every visit, and at 10,000 sessions
// computing takes seconds). Every grouping is stored at once: they share all the work but the
// last step.
function stateOf(ctx: TrailContext, window: Window): StatsState {
  // The graph's size too: it only grows (a deleted branch's commits stay), and a session's
  // commits follow from its base once the base is in it.
  return statsState(ctx.db, { stats: STATS_VERSION, revs: window.revs, since: window.since, base: window.base, head: window.head, tips: ctx.tips, graph: ctx.graph.size });
}

/**
 * Whether the stored answers hold for the current state too, renamed so if they do: the same
 * commits, and every session changed since (new, moved on, dropped) bears on nothing, as it was
 * and as it is: no line anchored on the head, and the commits looked at unchanged by it (a
 * session looked at before is looked at still, from the same base and start; one new to the
 * answer's paths brings no commit it did not look at already). The common case: sessions stored
 * whose work is not committed yet. Anything else computes again.
 */
async function takeOver(opened: OpenedStats): Promise<boolean> {
  const basis = readBasis(opened.catalog, opened.slot);
  if (basis === null || basis.commitsKey !== opened.state.commitsKey) return false;
  const changed = new Set<string>();
  for (const [id, tip] of opened.state.sessions) if (basis.sessions.get(id) !== tip) changed.add(id);
  for (const id of basis.sessions.keys()) if (!opened.state.sessions.has(id)) changed.add(id);
  if (changed.size > MAX_TAKE_OVER || [...changed].some((id) => basis.anchored.has(id))) return false;
  // Dropped: it must not have been looked at (its commits would leave those looked at).
  if ([...changed].some((id) => !opened.state.sessions.has(id) && basis.scoped.has(id))) return false;
  const present = [...changed].filter((id) => opened.state.sessions.has(id));
  const scoped = new Map(basis.scoped);
  if (present.length > 0) {
    const scopes = await scopesOf(opened.ctx, opened.window, present);
    if (scopes === null) return false;
    for (const id of present) {
      const scope = scopes.get(id);
      const before = basis.scoped.get(id);
      if (before !== undefined && (scope === undefined || scopeSignature(scope) !== before)) return false;
      if (scope === undefined) continue;
      if (before === undefined && ![...scope.candidates].every((c) => basis.candidates.has(c))) return false;
      scoped.set(id, scopeSignature(scope));
    }
    if (await anyAnchoredOnHead(opened.ctx, opened.window, [...scopes.values()])) return false;
  }
  return renameAnswers(opened.catalog, opened.slot, STATS_GROUPINGS, basis.key, opened.state, { ...basis, scoped });
}

/**
 * The patches counted for the stored answers, brought to the current state by judging again only
 * the files that changed under them; null when it cannot be done exactly (compute then).
 *
 * Judging is per file (its rename closure): a patch's anchors, its claims, the walk that follows
 * its lines, its blame and its revert are all on its file. So a patch counted before keeps its
 * lines and its state when its file is "clean": the old head is an ancestor of the new one, the
 * heads do not differ in it (a merge may change a file of its own), no commit new since, new on
 * the head, joining or leaving the window, or joining or leaving the commits the walk goes over
 * (the candidates of every session looked at) touches it, and no session changed since has a
 * patch on it. The patches of every other file of the window are anchored and judged again, with
 * every session's patches on them and the walk over the same commits as a computation from
 * nothing. (Found by review: a fast-forward to a known branch, a merge changing a file itself and
 * a head dated before the last one each changed a file no new commit touched; tested.)
 */
async function update(opened: OpenedStats): Promise<Counted | null> {
  const { ctx, window, catalog, slot, state } = opened;
  const basis = readBasis(catalog, slot);
  if (basis === null || !ctx.graph.has(basis.head) || !ctx.graph.isAncestor(basis.head, window.head.commit)) return null;
  const previous = readPatches(catalog, slot, basis.key);
  if (previous === null) return null;
  const changed = new Set<string>();
  for (const [id, tip] of state.sessions) if (basis.sessions.get(id) !== tip) changed.add(id);
  for (const id of basis.sessions.keys()) if (!state.sessions.has(id)) changed.add(id);
  // A session looked at before and changed since: what it bore on then is not known any more.
  if (changed.size > MAX_TAKE_OVER || [...changed].some((id) => basis.scoped.has(id))) return null;
  const added = await newCommits(ctx.git, ctx.tips, basis.tips);
  if (added === null) return null;

  const scope = await windowScope(ctx, window);
  // The commits the walk goes over now: every session looked at, by what its candidates follow from.
  const metas = sessionMetas(ctx, sessionIdsOnPaths(ctx, scope.paths));
  const scoped = new Map<string, string>();
  const candidates = new Set<string>();
  const bySignature = new Map<string, ReadonlySet<string>>();
  for (const meta of metas) {
    const signature = signatureOf(meta, meta.baseCommit !== undefined && ctx.graph.has(meta.baseCommit));
    // Its base arrived in the graph since: its commits follow from the base now, not from its
    // start, and its patches are judged as complete, on every file it has one on.
    const before = basis.scoped.get(meta.id);
    if (before !== undefined && before !== signature) return null;
    scoped.set(meta.id, signature);
    let of = bySignature.get(signature);
    if (of === undefined) bySignature.set(signature, (of = sessionCandidates(ctx, meta, scope.universe).candidates));
    for (const c of of) candidates.add(c);
  }
  // A commit on none of the window's paths bears on none of its files; those that do: every
  // commit new since, new on the head (a branch merged, known or not), or joining or leaving the
  // window (it starts at a date) or the commits the walk goes over.
  const onHead = await newCommits(ctx.git, [window.head.commit], [basis.head]);
  if (onHead === null) return null;
  const moved = new Set<string>([...added, ...onHead].filter((c) => scope.universe.has(c)));
  const wasInRange = new Set(basis.inRange);
  for (const c of scope.inRange) if (!wasInRange.has(c)) moved.add(c);
  for (const c of basis.inRange) if (!scope.inRange.has(c)) moved.add(c);
  for (const c of candidates) if (!basis.candidates.has(c)) moved.add(c);
  for (const c of basis.candidates) if (!candidates.has(c)) moved.add(c);
  await ctx.cache.ensure(moved);
  const touched = new Set<string>();
  for (const id of moved) {
    for (const file of ctx.cache.get(id)?.files ?? []) {
      touched.add(file.path);
      if (file.oldPath !== undefined) touched.add(file.oldPath);
    }
  }
  for (const id of changed) if (state.sessions.has(id)) for (const p of sessionPaths(ctx, id)) touched.add(p);
  // What a merge changed of its own, which no commit's diff shows: the files the heads differ in.
  if (basis.head !== window.head.commit) for (const p of await filesBetween(ctx.git, basis.head, window.head.commit)) touched.add(p);
  const dirty = renameClosure(ctx.db, touched);
  // An agent's rename no commit made ties a patch to two files: judged apart, they could differ.
  if (patchesLinkOut(ctx, dirty)) return null;
  const dirtyInWindow = new Set([...dirty].filter((p) => scope.paths.has(p)));
  // Most of the window again: computing from nothing costs as much.
  if (dirtyInWindow.size * 2 > scope.paths.size && scope.paths.size > 8) return null;

  const kept = previous.filter((p) => !dirty.has(p.path) && (p.oldPath === null || !dirty.has(p.oldPath)));
  const scopes = sessionsOnPaths(ctx, dirtyInWindow).map((evidence) => scopeSession(ctx, evidence, scope.universe));
  await prepare(ctx, scopes, candidates);
  const fresh = await rangePatches(ctx, scopes, scope.inRange, window.head.commit, candidates);
  const anchored = new Set([...basis.anchored, ...fresh.anchored].filter((id) => state.sessions.has(id)));
  return {
    commits: scope.commits,
    patches: [...kept, ...fresh.patches].sort(byKey),
    learnt: { anchored, scoped, candidates, tips: ctx.tips, head: window.head.commit, inRange: [...scope.inRange] },
  };
}

/** The paths whose content differs between two commits (renames as a deletion and an addition). */
async function filesBetween(git: GitRepo, from: string, to: string): Promise<string[]> {
  const result = await runGit(['diff', '--name-only', '--no-renames', '-z', from, to], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir } });
  return result.stdout.toString('utf8').split('\u0000').filter((p) => p !== '');
}

/** The commits reachable from `tips` and from none of `before`; null when git cannot say (a tip gone). */
async function newCommits(git: GitRepo, tips: readonly string[], before: readonly string[]): Promise<Set<string> | null> {
  if (tips.length === 0) return new Set();
  try {
    const result = await runGit(['rev-list', '--stdin'], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir }, input: [...tips, ...before.map((t) => `^${t}`)].join('\n') + '\n' });
    return new Set(result.stdout.toString('utf8').split('\n').filter((l) => l !== ''));
  } catch {
    return null;
  }
}

/** Past this many changed sessions, computing again costs about as much as looking at each. */
const MAX_TAKE_OVER = 500;

/** What a session's candidate commits follow from, the commits of the window being the same. */
function scopeSignature(scope: SessionScope): string {
  return signatureOf(scope.evidence.meta, scope.complete);
}

function signatureOf(meta: SessionMeta, complete: boolean): string {
  return JSON.stringify([meta.baseCommit ?? null, meta.startedAt, complete]);
}

/** These sessions as the window's answer would look at them (those with a patch on its paths); null when one cannot be read. */
async function scopesOf(ctx: TrailContext, window: Window, ids: readonly string[]): Promise<Map<string, SessionScope> | null> {
  const { paths, universe } = await windowScope(ctx, window);
  const scopes = new Map<string, SessionScope>();
  for (const id of ids) {
    let evidence: SessionEvidence;
    try {
      evidence = sessionPatches(ctx, id);
    } catch {
      return null;
    }
    const patches = evidence.patches.filter((p) => paths.has(p.path) || (p.oldPath !== undefined && paths.has(p.oldPath)));
    if (patches.length > 0) scopes.set(id, scopeSession(ctx, { ...evidence, patches }, universe));
  }
  return scopes;
}

/** Whether one of these sessions has a line anchored on the head among its candidates (as `judge` anchors). */
async function anyAnchoredOnHead(ctx: TrailContext, window: Window, scopes: readonly SessionScope[]): Promise<boolean> {
  if (scopes.length === 0) return false;
  await prepare(ctx, scopes);
  return anchorScopes(ctx, scopes, window.head.commit).anchored.some((a) => a.onRef.size > 0);
}

interface WindowScope {
  readonly commits: readonly RangeCommit[];
  readonly inRange: ReadonlySet<string>;
  /** The paths the window's commits touched, renames followed. */
  readonly paths: ReadonlySet<string>;
  /** Every commit on those paths. */
  readonly universe: ReadonlySet<string>;
}

async function windowScope(ctx: TrailContext, window: Window): Promise<WindowScope> {
  const commits = await logCommits(ctx.git, window.revs);
  const inRange = new Set(commits.map((c) => c.id));
  await prepare(ctx, [], inRange);
  const touched = new Set<string>();
  for (const id of inRange) for (const file of ctx.cache.get(id)?.files ?? []) touched.add(file.path);
  const paths = renameClosure(ctx.db, touched);
  // As `track` sees them: every commit on those paths after each session's base, up to the head.
  return { commits, inRange, paths, universe: commitsTouching(ctx.db, paths) };
}

/** What the reports are made of: the window's commits and the patches with lines in them. */
interface Counted {
  readonly commits: readonly RangeCommit[];
  readonly patches: readonly RangePatch[];
  readonly learnt: StatsLearnt;
}

/** Every patch with lines in the window, judged at its head, from nothing. */
async function computeAll(ctx: TrailContext, window: Window): Promise<Counted> {
  const { commits, inRange, paths, universe } = await windowScope(ctx, window);
  const scopes = sessionsOnPaths(ctx, paths).map((evidence) => scopeSession(ctx, evidence, universe));
  await prepare(ctx, scopes);
  const { patches, anchored } = await rangePatches(ctx, scopes, inRange, window.head.commit);
  const learnt: StatsLearnt = {
    anchored,
    scoped: new Map(scopes.map((scope) => [scope.evidence.meta.id, scopeSignature(scope)])),
    candidates: new Set(scopes.flatMap((scope) => [...scope.candidates])),
    tips: ctx.tips,
    head: window.head.commit,
    inRange: [...inRange],
  };
  return { commits, patches, learnt };
}

/** The report for every grouping: one count of the commits and patches, grouped five ways. */
function reportsOf(ctx: TrailContext, window: Window, commits: readonly RangeCommit[], patches: readonly RangePatch[]): Map<StatsGrouping, StatsReport> {
  const counted = countLines(patches);
  const claimed = new Map<string, Set<number>>();
  const sessionsByCommit = new Map<string, Set<string>>();
  for (const c of counted) {
    for (const [commit, lines] of c.lines) {
      for (const l of lines) addTo(claimed, commit, l);
      addTo(sessionsByCommit, commit, c.patch.session);
    }
  }
  const statsCommits = commits.map((c): StatsCommit => {
    const addedLines = (ctx.cache.get(c.id)?.files ?? []).reduce((n, f) => n + f.hunks.reduce((m, h) => m + h.added.length, 0), 0);
    const agentLines = claimed.get(c.id)?.size ?? 0;
    return { id: c.id, subject: c.subject, author: c.author, date: isoTime(c.time), addedLines, agentLines, humanLines: addedLines - agentLines, sessions: [...(sessionsByCommit.get(c.id) ?? [])].sort() };
  });
  const usage = sessionUsage(ctx, new Set(patches.map((p) => p.session)));
  const totals = totalsOf(statsCommits, counted, usage);
  const range = { since: window.since, base: window.base, head: window.head };
  return new Map(STATS_GROUPINGS.map((by) => [by, { version: STATS_VERSION, by, range, commits: statsCommits, rows: groupRows(by, statsCommits, counted, usage), totals }]));
}

/** A patch with its lines as small numbers per commit, one number per (commit, path, line) across all patches. */
interface CountedPatch {
  readonly patch: RangePatch;
  readonly lines: ReadonlyMap<string, readonly number[]>;
}

function countLines(patches: readonly RangePatch[]): CountedPatch[] {
  // The groups count distinct lines in sets of numbers (a million strings at 10,000 sessions otherwise).
  const ids = new Map<string, number>();
  return patches.map((patch) => {
    const lines = new Map<string, number[]>();
    for (const [commit, path, n] of patch.lines) {
      const key = lineKey(commit, path, n);
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      pushTo(lines, commit, id);
    }
    return { patch, lines };
  });
}

interface Window {
  readonly revs: readonly string[];
  readonly since: string | null;
  readonly base: string | null;
  readonly head: { readonly ref: string; readonly commit: string };
}

async function resolveWindow(git: GitRepo, options: StatsOptions): Promise<Window> {
  if (options.range !== undefined) {
    const r = await resolveRange(git, { range: options.range });
    return { revs: [`${r.base.commit}..${r.head.commit}`], since: null, base: r.base.commit, head: r.head };
  }
  const head = await resolveCommit(git, 'HEAD');
  const shown = await runGit(['show', '-s', '--format=%ct', head], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir } });
  const headDate = new Date(Number(shown.stdout.toString('utf8').trim()) * 1000);
  const start = options.since?.(headDate) ?? new Date(headDate.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
  const since = start.toISOString();
  return { revs: [`--since=${since}`, head], since, base: null, head: { ref: 'HEAD', commit: head } };
}

async function logCommits(git: GitRepo, revs: readonly string[]): Promise<RangeCommit[]> {
  const result = await runGit(['log', '--topo-order', '--reverse', '--no-color', '--format=%x00%H%x00%an%x00%ct%x00%s', ...revs, '--'], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir } });
  const parts = result.stdout.toString('utf8').split('\u0000');
  const out: RangeCommit[] = [];
  for (let i = 1; i + 3 < parts.length; i += 4) {
    const id = (parts[i] ?? '').trim();
    if (id !== '') out.push({ id, author: parts[i + 1] ?? '', time: Number(parts[i + 2]), subject: (parts[i + 3] ?? '').trim() });
  }
  return out;
}

/**
 * The patches with lines in the range, with their state at the head (one survival judgement for
 * all). `walkOver`: as anchorScopes, when the scopes are only some of those bearing on the walk.
 */
async function rangePatches(ctx: TrailContext, scopes: readonly SessionScope[], inRange: ReadonlySet<string>, head: string, walkOver?: ReadonlySet<string>): Promise<{ patches: RangePatch[]; anchored: ReadonlySet<string> }> {
  // Each patch anchored once, among all its candidates, as judge needs it: anchoring is per
  // commit, so its anchors in the range are those among the range's commits.
  const anchoring = anchorScopes(ctx, scopes, head, walkOver);
  const found = new Map<string, { anchors: PatchAnchors; lines: (readonly [string, string, number])[] }>();
  for (const a of anchoring.anchored) {
    const inWindow = a.lines.map((list) => list.filter((x) => inRange.has(x.commit)));
    const seen = new Set<string>();
    const lines: (readonly [string, string, number])[] = [];
    for (const list of inWindow) {
      for (const x of list) {
        const key = lineKey(x.commit, x.path, x.n);
        if (seen.has(key)) continue;
        seen.add(key);
        lines.push([x.commit, x.path, x.n]);
      }
    }
    if (lines.length > 0) found.set(a.patch.key, { anchors: { patch: a.patch, lines: inWindow, removals: [] }, lines });
  }
  // No line in the window: what is anchored elsewhere on the head bears on nothing here.
  if (found.size === 0) return { patches: [], anchored: new Set() };
  const judged = await judge(ctx, { ref: head, refName: 'HEAD', scopes, judge: new Set([...found.values()].map((f) => f.anchors.patch.session)) }, anchoring);
  const onHead = ctx.graph.ancestorsAmong(head, anchoring.allCandidates);
  const metas = new Map(scopes.map((s) => [s.evidence.meta.id, s.evidence.meta]));
  const models = new Map<string, (index: number) => string | null>();
  const modelOf = (session: string, step: number): string | null => {
    let of = models.get(session);
    if (of === undefined) models.set(session, (of = stepModels(ctx.db, session)));
    return of(step);
  };
  const out: RangePatch[] = [];
  for (const survival of judged.patches) {
    const f = found.get(survival.patch.key);
    if (f === undefined) continue;
    const patch = f.anchors.patch;
    out.push({
      key: patch.key,
      session: patch.session,
      path: patch.path,
      oldPath: patch.oldPath ?? null,
      agent: metas.get(patch.session)?.agent ?? 'unknown',
      model: modelOf(patch.session, patch.step) ?? 'unknown',
      state: survival.state,
      alive: survival.fates.alive,
      edited: survival.fates.edited,
      revertSeconds: survival.state === 'reverted' ? revertSeconds(ctx, f.anchors, [...new Set(f.lines.map(([commit]) => commit))], onHead) : null,
      lines: f.lines,
    });
  }
  return { patches: out.sort(byKey), anchored: judged.anchoredSessions };
}

function byKey(a: RangePatch, b: RangePatch): number {
  return a.key.localeCompare(b.key);
}

/**
 * From the first commit carrying the patch to the first later commit on the head that removes one
 * of its lines that prove something alone (a small change's common line too) from its file: the
 * revert.
 */
function revertSeconds(ctx: TrailContext, anchors: PatchAnchors, carriers: readonly string[], onHead: ReadonlySet<string>): number | null {
  const first = ctx.graph.oldestFirst(carriers)[0];
  if (first === undefined) return null;
  const patch = anchors.patch;
  const wanted = new Set(patch.added.filter((l) => provesAlone(anchors, l.index)).map((l) => l.h));
  for (const c of ctx.graph.oldestFirst(onHead)) {
    if (c.time < first.time || carriers.includes(c.id)) continue;
    const files = (ctx.cache.get(c.id)?.files ?? []).filter((f) => f.path === patch.path || f.oldPath === patch.path);
    if (files.some((f) => f.hunks.some((h) => h.removed.some((r) => wanted.has(r.h))))) return c.time - first.time;
  }
  return null;
}

interface SessionCost {
  readonly session: CostSession;
  /** Per model, the session's tokens and cost with that model. */
  readonly byModel: ReadonlyMap<string, Accumulated>;
  readonly total: Accumulated;
}

interface Accumulated {
  readonly tokens: StatsTokens;
  readonly costUSD: number;
}

function sessionUsage(ctx: TrailContext, ids: ReadonlySet<string>): Map<string, SessionCost> {
  const out = new Map<string, SessionCost>();
  for (const session of usageSessions(ctx.db)) {
    if (!ids.has(session.session.id)) continue;
    const report = aggregateCost([session], 'model');
    const toAcc = (t: (typeof report)['totals']): Accumulated => ({ tokens: { input: t.inputTokens, output: t.outputTokens, cacheRead: t.cacheReadTokens, cacheWrite: t.cacheWriteTokens }, costUSD: t.costUSD });
    out.set(session.session.id, { session, byModel: new Map(report.rows.map((r) => [r.key, toAcc(r)])), total: toAcc(report.totals) });
  }
  return out;
}

class Group {
  agentLines = new Set<number>();
  humanLines = 0;
  addedLines = 0;
  readonly patches = emptyCounts();
  readonly lines = emptyCounts();
  survivingLines = 0;
  editedLines = 0;
  readonly reverts: number[] = [];
  readonly costs = new Map<string, Accumulated>();

  addLines(lines: readonly number[]): void {
    for (const l of lines) this.agentLines.add(l);
  }

  addState({ patch: p }: CountedPatch): void {
    this.patches[p.state]++;
    this.lines[p.state] += p.lines.length;
    this.survivingLines += p.alive;
    this.editedLines += p.edited;
    if (p.revertSeconds !== null) this.reverts.push(p.revertSeconds);
  }

  row(key: string, share: number): StatsRow {
    let tokens: StatsTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    let costUSD = 0;
    for (const k of [...this.costs.keys()].sort()) {
      const c = this.costs.get(k) as Accumulated;
      tokens = { input: tokens.input + c.tokens.input, output: tokens.output + c.tokens.output, cacheRead: tokens.cacheRead + c.tokens.cacheRead, cacheWrite: tokens.cacheWrite + c.tokens.cacheWrite };
      costUSD += c.costUSD;
    }
    const sessions = new Set([...this.costs.keys()].map((k) => k.split('\u0000')[0])).size;
    return {
      key,
      agentLines: this.agentLines.size,
      humanLines: this.humanLines,
      share,
      patches: this.patches,
      lines: this.lines,
      survivingLines: this.survivingLines,
      editedLines: this.editedLines,
      medianRevertSeconds: median(this.reverts),
      sessions,
      tokens,
      costUSD,
      costPerSurvivingLine: this.survivingLines > 0 ? costUSD / this.survivingLines : null,
    };
  }
}

function groupRows(by: StatsGrouping, commits: readonly StatsCommit[], patches: readonly CountedPatch[], usage: ReadonlyMap<string, SessionCost>): StatsRow[] {
  const groups = new Map<string, Group>();
  const group = (key: string): Group => groups.get(key) ?? (groups.set(key, new Group()).get(key) as Group);
  const total = commits.reduce((n, c) => n + c.addedLines, 0);
  if (by === 'author' || by === 'day') {
    const keyOf = (c: StatsCommit): string => (by === 'author' ? c.author : c.date.slice(0, 10));
    const commitKey = new Map(commits.map((c) => [c.id, keyOf(c)]));
    const position = new Map(commits.map((c, i) => [c.id, i]));
    for (const c of commits) {
      const g = group(keyOf(c));
      g.addedLines += c.addedLines;
      g.humanLines += c.humanLines;
    }
    for (const p of patches) {
      for (const [commit, lines] of p.lines) group(commitKey.get(commit) ?? '').addLines(lines);
      // Its state and its session's cost belong to the row of its first commit.
      let first: StatsCommit | undefined;
      for (const commit of p.lines.keys()) {
        const at = position.get(commit);
        if (at !== undefined && (first === undefined || at < (position.get(first.id) as number))) first = commits[at];
      }
      if (first === undefined) continue;
      const g = group(keyOf(first));
      g.addState(p);
      addCost(g, usage.get(p.patch.session), null);
    }
    const rows = [...groups].map(([key, g]) => g.row(key, g.addedLines === 0 ? 0 : g.agentLines.size / g.addedLines));
    return rows.sort(by === 'day' ? (a, b) => a.key.localeCompare(b.key) : byLines);
  }
  for (const p of patches) {
    const key = by === 'agent' ? p.patch.agent : by === 'model' ? p.patch.model : p.patch.session;
    const g = group(key);
    for (const lines of p.lines.values()) g.addLines(lines);
    g.addState(p);
    addCost(g, usage.get(p.patch.session), by === 'model' ? p.patch.model : null);
  }
  return [...groups].map(([key, g]) => g.row(key, total === 0 ? 0 : g.agentLines.size / total)).sort(byLines);
}

function addCost(g: Group, cost: SessionCost | undefined, model: string | null): void {
  if (cost === undefined) return;
  const id = cost.session.session.id;
  if (model === null) g.costs.set(id, cost.total);
  else {
    const c = cost.byModel.get(model);
    if (c !== undefined) g.costs.set(`${id}\u0000${model}`, c);
  }
}

function totalsOf(commits: readonly StatsCommit[], patches: readonly CountedPatch[], usage: ReadonlyMap<string, SessionCost>): StatsTotals {
  const g = new Group();
  for (const p of patches) {
    for (const lines of p.lines.values()) g.addLines(lines);
    g.addState(p);
    addCost(g, usage.get(p.patch.session), null);
  }
  const addedLines = commits.reduce((n, c) => n + c.addedLines, 0);
  const agentLines = commits.reduce((n, c) => n + c.agentLines, 0);
  const { key: _key, ...row } = g.row('', addedLines === 0 ? 0 : agentLines / addedLines);
  return { ...row, addedLines, agentLines, humanLines: addedLines - agentLines };
}

function byLines(a: StatsRow, b: StatsRow): number {
  return b.agentLines + b.humanLines - (a.agentLines + a.humanLines) || a.key.localeCompare(b.key);
}

function emptyCounts(): Record<Survival, number> {
  return Object.fromEntries(SURVIVAL_STATES.map((s) => [s, 0])) as Record<Survival, number>;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
