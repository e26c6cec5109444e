// From evidence lines' fates to a patch's state. The rules are in `stateOf`; a removal-only
// patch has its own (`decideRemoval`).

import { provesAlone, type Anchor } from './anchor.js';
import type { AnchoredPatch, WalkFate } from './claims.js';
import type { PatchEvidence } from './evidence.js';
import type { TrailContext } from './scope.js';

export const SURVIVAL_STATES = ['alive', 'moved', 'transformed', 'partial', 'reverted', 'lost', 'unknown'] as const;
export type Survival = (typeof SURVIVAL_STATES)[number];

export const LINE_FATES = ['alive', 'edited', 'removed', 'reverted', 'missing', 'uncommitted', 'superseded'] as const;
export type LineFate = (typeof LINE_FATES)[number];

export interface AnchorGroup {
  readonly commit: string;
  readonly path: string;
  /** Lines in that commit's version of the file. */
  readonly lines: readonly number[];
  /**
   * `exact` when every line matched exactly, else `similar` (reformatted) or `hunk` (a small change
   * matched by its whole hunk: anchor.ts, rule 4).
   */
  readonly match: Anchor['match'];
  readonly onRef: boolean;
}

export interface PatchSurvival {
  readonly patch: PatchEvidence;
  /** What the state rests on: the patch's added lines, or (a removal-only patch) its removed ones. */
  readonly evidence: 'added-lines' | 'removed-lines';
  readonly state: Survival;
  /** Why, in a few words. */
  readonly reason: string;
  /** Evidence lines per fate. */
  readonly fates: Readonly<Record<LineFate, number>>;
  readonly anchors: readonly AnchorGroup[];
  /** Where its surviving lines are at the ref. */
  readonly pathsAtRef: readonly string[];
}


/**
 * For each patch of `all`: its lines that a later step of the same session removed again before
 * anything was committed. The patches are grouped by session and path once; a filter of `all`
 * per patch was quadratic (10,000 patches: 11 s of `stats`).
 */
export function supersededLines(all: readonly AnchoredPatch[]): (a: AnchoredPatch) => Set<number> {
  const bySession = new Map<AnchoredPatch['scope'], Map<string, AnchoredPatch[]>>();
  for (const o of all) {
    let byPath = bySession.get(o.scope);
    if (byPath === undefined) bySession.set(o.scope, (byPath = new Map()));
    for (const path of new Set([o.patch.path, o.patch.oldPath])) {
      if (path === undefined) continue;
      const list = byPath.get(path);
      if (list === undefined) byPath.set(path, [o]);
      else list.push(o);
    }
  }
  return (a) => {
    const later = (bySession.get(a.scope)?.get(a.patch.path) ?? []).filter((o) => o.patch.step > a.patch.step);
    const removedLater = new Set(later.flatMap((o) => o.patch.removed.map((r) => r.h)));
    const out = new Set<number>();
    for (const line of a.patch.added) if (!a.onRef.has(line.index) && removedLater.has(line.h)) out.add(line.index);
    return out;
  };
}

function emptyFates(): Record<LineFate, number> {
  return { alive: 0, edited: 0, removed: 0, reverted: 0, missing: 0, uncommitted: 0, superseded: 0 };
}

/** What blame and the walk found of one patch's lines at the ref. */
export interface SeenAtRef {
  /** Lines blamed at the ref to one of their anchors, with the paths they are at. */
  readonly alive: ReadonlyMap<number, ReadonlySet<string>>;
  /** Lines whose edited version is at the ref. */
  readonly edited: ReadonlySet<number>;
  /** Lines a person edited before their commit: on the ref in that edited form (walk.ts). */
  readonly editedBeforeCommit: ReadonlySet<number>;
  readonly walkFates: ReadonlyMap<string, WalkFate>;
  /** Lines a later step of the session removed before any commit. */
  readonly superseded: ReadonlySet<number>;
  readonly refName: string;
}

/**
 * The state of a patch with distinctive added lines, from its evidence lines' fates. Evidence
 * lines are its distinctive added lines, and the common ones still there beside them.
 */
export function decide(a: AnchoredPatch, seen: SeenAtRef): PatchSurvival {
  const { alive, edited, refName } = seen;
  const fates = emptyFates();
  const pathsAtRef = new Set<string>();
  let anchoredAnywhere = false;
  for (const line of a.patch.added) {
    // Common lines are evidence only where they stand beside the patch's surviving lines.
    if (!provesAlone(a, line.index) && !alive.has(line.index) && !edited.has(line.index)) continue;
    if ((a.lines[line.index] ?? []).length > 0) anchoredAnywhere = true;
    const fate = lineFate(a, line.index, seen);
    fates[fate]++;
    for (const p of alive.get(line.index) ?? []) pathsAtRef.add(p);
  }
  const base = { patch: a.patch, evidence: 'added-lines' as const, fates, anchors: anchorGroups(a), pathsAtRef: [...pathsAtRef].sort() };
  return { ...base, ...stateOf(fates, { anchoredAnywhere, complete: a.scope.complete, moved: [...pathsAtRef].some((p) => p !== a.patch.path), refName }) };
}

function lineFate(a: AnchoredPatch, index: number, seen: SeenAtRef): LineFate {
  if (seen.alive.has(index)) return 'alive';
  if (seen.edited.has(index)) return 'edited';
  if (!a.onRef.has(index) && !seen.editedBeforeCommit.has(index)) return seen.superseded.has(index) ? 'superseded' : 'uncommitted';
  const walked = seen.walkFates.get(`${a.patch.key}\u0000${index}`);
  if (walked === undefined) return 'missing';
  // Edited once, but the edited line is not at the ref either: it went later.
  return walked.kind === 'edited' ? 'removed' : walked.kind;
}

interface StateFacts {
  readonly anchoredAnywhere: boolean;
  readonly complete: boolean;
  readonly moved: boolean;
  readonly refName: string;
}

/**
 * The rules, in order (A alive, E edited, X removed, V reverted, M missing, U uncommitted):
 * - no evidence line at all (only common lines, or all rewritten by later steps): `lost` when
 *   later steps of the session rewrote them all, else `unknown`;
 * - nothing anchored on the ref: `lost` (never reached a commit on it), but `unknown` when the
 *   session's commits could not all be searched and nothing was found anywhere;
 * - some lines at the ref (A+E > 0): all of them there and unedited: `alive` (`moved` when under
 *   another path); all there, some edited: `transformed`; otherwise `partial`;
 * - none at the ref: M > 0 → `unknown`; V > 0 and X = 0 → `reverted`; V > 0 and X > 0 →
 *   `unknown`; else (X > 0) `lost` (gone without a revert).
 */
function stateOf(f: Readonly<Record<LineFate, number>>, facts: StateFacts): { state: Survival; reason: string } {
  const evidence = f.alive + f.edited + f.removed + f.reverted + f.missing + f.uncommitted;
  const at = `at ${facts.refName}`;
  if (evidence === 0) {
    return f.superseded > 0
      ? { state: 'lost', reason: 'later steps of the session rewrote every line before any commit' }
      : { state: 'unknown', reason: 'no distinctive line to match' };
  }
  const onRef = f.alive + f.edited + f.removed + f.reverted + f.missing;
  if (onRef === 0) {
    if (facts.anchoredAnywhere) return { state: 'lost', reason: `its commits are not on ${facts.refName}` };
    if (!facts.complete) return { state: 'unknown', reason: 'no commit carries it, but the session has no known base to search from' };
    return { state: 'lost', reason: 'never committed' };
  }
  if (f.alive + f.edited > 0) {
    const gone = f.removed + f.reverted + f.missing + f.uncommitted;
    if (gone === 0 && f.edited === 0) return facts.moved ? { state: 'moved', reason: `every line alive ${at}, under another path` } : { state: 'alive', reason: `every line alive ${at}` };
    if (gone === 0) return { state: 'transformed', reason: `${f.edited} of ${evidence} lines edited since the agent wrote them` };
    return { state: 'partial', reason: `${f.alive + f.edited} of ${evidence} lines remain ${at}` };
  }
  if (f.missing > 0) return { state: 'unknown', reason: `${f.missing} lines are neither ${at} nor removed by a commit seen` };
  if (f.reverted > 0 && f.removed === 0) return { state: 'reverted', reason: 'a revert commit or an inverse patch removed it' };
  if (f.reverted > 0) return { state: 'unknown', reason: 'partly reverted, partly removed otherwise' };
  return { state: 'lost', reason: `removed by later commits without a revert` };
}

function anchorGroups(a: AnchoredPatch): AnchorGroup[] {
  const groups = new Map<string, { commit: string; path: string; lines: Set<number>; match: Anchor['match'] }>();
  a.lines.forEach((anchors) => {
    for (const x of anchors) {
      const k = `${x.commit}\u0000${x.path}`;
      const g = groups.get(k) ?? { commit: x.commit, path: x.path, lines: new Set<number>(), match: 'exact' as Anchor['match'] };
      g.lines.add(x.n);
      if (x.match === 'similar' || x.match === 'hunk') g.match = x.match;
      groups.set(k, g);
    }
  });
  return [...groups.values()]
    .filter((g) => [...g.lines].length > 0)
    .map((g) => ({ commit: g.commit, path: g.path, lines: [...g.lines].sort((x, y) => x - y), match: g.match, onRef: a.onRef.size > 0 && isOnRef(a, g.commit) }))
    .sort((x, y) => x.commit.localeCompare(y.commit) || x.path.localeCompare(y.path));
}

function isOnRef(a: AnchoredPatch, commit: string): boolean {
  for (const i of a.onRef) if ((a.lines[i] ?? []).some((x) => x.commit === commit)) return true;
  return false;
}

/**
 * A patch that only removes distinctive lines: `alive` when commits on the ref removed at least
 * half of them and none is back at the ref; `lost` when none was removed on the ref and all are
 * still there; `unknown` otherwise.
 */
export async function decideRemoval(a: AnchoredPatch, ctx: TrailContext, at: { readonly ref: string; readonly refName: string; readonly onRef: ReadonlySet<string> }): Promise<PatchSurvival> {
  const { ref, refName, onRef } = at;
  const wanted = a.patch.removed.filter((r) => !r.common);
  const blob = await ctx.repo.git.reader.readBlob(`${ref}:${a.patch.path}`);
  const present = new Set<string>();
  if (blob !== null) for (const line of blob.toString('utf8').split('\n')) present.add(ctx.cache.hasher.keys(line).h);
  const back = wanted.filter((r) => present.has(r.h)).length;
  const removedOnRef = Math.max(0, ...a.removals.filter((r) => onRef.has(r.commit)).map((r) => r.lines));
  const fates = emptyFates();
  const base = { patch: a.patch, evidence: 'removed-lines' as const, anchors: removalGroups(a, onRef), pathsAtRef: [] as string[] };
  if (removedOnRef * 2 >= wanted.length && back === 0) {
    fates.alive = wanted.length;
    return { ...base, fates, state: 'alive', reason: `its removals hold at ${refName}` };
  }
  if (removedOnRef === 0 && back === wanted.length) {
    fates.uncommitted = wanted.length;
    return { ...base, fates, state: 'lost', reason: a.removals.length > 0 ? `its commits are not on ${refName}` : 'never committed' };
  }
  fates.missing = wanted.length;
  return { ...base, fates, state: 'unknown', reason: 'its removed lines are partly back or removed elsewhere' };
}

function removalGroups(a: AnchoredPatch, onRef: ReadonlySet<string>): AnchorGroup[] {
  return a.removals
    .map((r) => ({ commit: r.commit, path: r.path, lines: [] as number[], match: 'exact' as const, onRef: onRef.has(r.commit) }))
    .sort((x, y) => x.commit.localeCompare(y.commit));
}

