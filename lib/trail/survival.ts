// Survival of anchored patches at a ref, and line attribution, from one computation so that
// `track` and `blame` can never disagree:
//
// 1. Walk the candidate commits on the ref, parents first, following each anchored line, and
//    each line a person edited before its commit (walk.ts): reverted, edited (the edited line
//    inherits the claim, as an edit: the editing commit's line, the patch its origin) or removed.
// 2. `git blame --porcelain` each file the lines may live in at the ref. A final line whose
//    (commit, path, line) is an anchor is the patch's, alive; one that is a derived (edited)
//    line is the patch's, edited.
// 3. Each evidence line gets a fate, and the fates give the patch its state (states.ts).
//
// Blame is the ground truth for what is alive; the walk only explains what is not.
import { mapLimit } from '../concurrency.js';
import { anchorPatch, provesAlone } from './anchor.js';
import { blamePorcelain, type BlameCommitInfo, type BlameLine, type BlameOutput, type LineRange } from './blame-porcelain.js';
import { addTo, lineKey, pushTo, type AnchoredPatch, type Claim } from './claims.js';
import { FileLookup, type SessionScope, type TrailContext } from './scope.js';
import { decide, decideRemoval, supersededLines, type PatchSurvival } from './states.js';
import { editsBeforeCommit, walkHistory } from './walk.js';

export { LINE_FATES, SURVIVAL_STATES, type AnchorGroup, type LineFate, type PatchSurvival, type Survival } from './states.js';

export interface LineClaim {
  readonly session: string;
  readonly step: number;
  readonly stepId: string;
  /** The patch's path (where the agent wrote it). */
  readonly path: string;
  /** The line is the agent's, edited by `commit` since. */
  readonly edited: boolean;
}

export interface AttributedLine extends BlameLine {
  readonly claims: readonly LineClaim[];
}

export interface FileAttribution {
  readonly path: string;
  readonly exists: boolean;
  readonly lines: readonly AttributedLine[];
  readonly commits: ReadonlyMap<string, BlameCommitInfo>;
}

export interface SurvivalRequest {
  /** The commit to judge at. */
  readonly ref: string;
  /** Its name, for reasons. */
  readonly refName: string;
  readonly scopes: readonly SessionScope[];
  /** Compute the state of these sessions' patches (default every scope's). */
  readonly judge?: ReadonlySet<string>;
  /** Files to attribute besides those the judged patches live in (with their blame, when the caller ran it already). */
  readonly files?: readonly { readonly path: string; readonly range?: LineRange; readonly blamed?: BlameOutput | null }[];
}

export interface SurvivalResult {
  readonly patches: readonly PatchSurvival[];
  readonly files: ReadonlyMap<string, FileAttribution>;
  /**
   * The sessions with a line anchored on the ref: the only ones whose patches bear on any
   * judgement here (a session without one claims no line, so changing or dropping it changes
   * nothing of the answer).
   */
  readonly anchoredSessions: ReadonlySet<string>;
}


/** The scopes' patches anchored at a ref (anchorScopes): what judge starts from. */
export interface ScopesAnchored {
  readonly anchored: readonly AnchoredPatch[];
  /** Every scope's candidates: the commits the walk goes over (those on the ref). */
  readonly allCandidates: ReadonlySet<string>;
  readonly onRef: ReadonlySet<string>;
}

/**
 * Every patch of the scopes anchored among its session's candidates, with which of its lines have
 * an anchor on the ref. `walkOver`: the commits the walk goes over when more sessions bear on it
 * than those anchored here (every scope's candidates otherwise; it must hold them).
 */
export function anchorScopes(ctx: TrailContext, scopes: readonly SessionScope[], ref: string, walkOver?: ReadonlySet<string>): ScopesAnchored {
  const allCandidates = new Set<string>(walkOver);
  if (walkOver === undefined) for (const s of scopes) for (const c of s.candidates) allCandidates.add(c);
  // Every anchor is a candidate commit: which of them are on the ref is all that is asked.
  const onRef = ctx.graph.ancestorsAmong(ref, allCandidates);
  const lookup = new FileLookup(ctx, allCandidates);
  const anchored: AnchoredPatch[] = [];
  for (const scope of scopes) {
    for (const patch of scope.evidence.patches) {
      const records = lookup.recordsToAnchor(patch, [...new Set([patch.path, ...(patch.oldPath === undefined ? [] : [patch.oldPath])])], scope.candidates);
      const a = anchorPatch(patch, records);
      const on = new Set<number>();
      a.lines.forEach((anchors, i) => anchors.some((x) => onRef.has(x.commit)) && on.add(i));
      anchored.push({ ...a, scope, onRef: on });
    }
  }
  return { anchored, allCandidates, onRef };
}

/** `anchoring`: anchorScopes of the request's scopes at its ref, when the caller has it already. */
export async function judge(ctx: TrailContext, request: SurvivalRequest, anchoring: ScopesAnchored = anchorScopes(ctx, request.scopes, request.ref)): Promise<SurvivalResult> {
  const { anchored, allCandidates, onRef } = anchoring;

  const anchorIndex = new Map<string, Claim[]>();
  for (const a of anchored) {
    a.lines.forEach((anchors, index) => {
      for (const x of anchors) if (onRef.has(x.commit)) pushTo(anchorIndex, lineKey(x.commit, x.path, x.n), { anchored: a, index });
    });
  }

  const editedIndex = editsBeforeCommit(ctx, anchored, onRef, anchorIndex);
  const enteredEdited = new Map<AnchoredPatch, Set<number>>();
  for (const claims of editedIndex.values()) for (const c of claims) addTo(enteredEdited, c.anchored, c.index);
  const walk = walkHistory(ctx, [...allCandidates].filter((c) => onRef.has(c)), anchorIndex, editedIndex);

  const judged = anchored.filter((a) => request.judge === undefined || request.judge.has(a.patch.session));
  const toBlame = new Map<string, LineRange | undefined>();
  for (const a of judged) for (const p of walk.paths.get(a) ?? []) toBlame.set(p, undefined);
  for (const f of request.files ?? []) toBlame.set(f.path, f.range);
  const given = new Map((request.files ?? []).filter((f) => f.blamed !== undefined && f.range === toBlame.get(f.path)).map((f) => [f.path, f.blamed ?? null]));

  const raw: { path: string; blamed: Awaited<ReturnType<typeof blamePorcelain>>; claims: { direct: Claim[]; derived: Claim[] }[] }[] = [];
  const liveRuns = new Map<AnchoredPatch, Set<number>>();
  // A patch's state counts only what is found where the walk followed its lines: a file blamed
  // for another patch shows it nothing more (git blame follows renames a merge made, which the
  // walk does not see), so that no patch's state depends on which other patches are judged.
  const onWalk = (c: Claim, path: string): boolean => walk.paths.get(c.anchored)?.has(path) === true;
  const walkedRuns = new Map<AnchoredPatch, Set<number>>();
  // One `git blame` per file, a few at a time: they are independent, and on a multi-core machine
  // running them side by side is most of what track costs.
  const wanted = [...toBlame].sort(([a], [b]) => a.localeCompare(b));
  const blames = await mapLimit(wanted, BLAME_CONCURRENCY, async ([path, range]) =>
    given.has(path) ? (given.get(path) ?? null) : blamePorcelain(ctx.git, { rev: request.ref, path, ...(range === undefined ? {} : { range }) }),
  );
  for (const [i, [path]] of wanted.entries()) {
    const blamed = blames[i] ?? null;
    const claims = (blamed?.lines ?? []).map((line) => {
      const k = lineKey(line.commit, line.origPath, line.origLine);
      const direct = anchorIndex.get(k) ?? [];
      const derived = (walk.derived.get(k) ?? []).filter((c) => !direct.includes(c));
      for (const c of [...direct, ...derived]) {
        const evidence = c.anchored.patch.added[c.index];
        if (evidence === undefined || !provesAlone(c.anchored, c.index)) continue;
        addTo(liveRuns, c.anchored, evidence.run);
        if (onWalk(c, path)) addTo(walkedRuns, c.anchored, evidence.run);
      }
      return { direct, derived };
    });
    raw.push({ path, blamed, claims });
  }
  // A common line (blank, brace) counts for its patch only beside a line of its run that proves
  // something alone (anchor.ts) and is still there: a lone surviving brace proves nothing.
  const countsAmong =
    (runs: ReadonlyMap<AnchoredPatch, ReadonlySet<number>>) =>
    (c: Claim): boolean => {
      const evidence = c.anchored.patch.added[c.index];
      return evidence !== undefined && (provesAlone(c.anchored, c.index) || (runs.get(c.anchored)?.has(evidence.run) ?? false));
    };
  const counts = countsAmong(liveRuns);
  const countsWalked = countsAmong(walkedRuns);
  const files = new Map<string, FileAttribution>();
  const aliveClaims = new Map<AnchoredPatch, Map<number, Set<string>>>();
  const editedClaims = new Map<AnchoredPatch, Set<number>>();
  for (const { path, blamed, claims } of raw) {
    if (blamed === null) {
      files.set(path, { path, exists: false, lines: [], commits: new Map() });
      continue;
    }
    const lines = blamed.lines.map((line, i): AttributedLine => {
      const direct = (claims[i]?.direct ?? []).filter(counts);
      const derived = (claims[i]?.derived ?? []).filter(counts);
      for (const c of claims[i]?.direct ?? []) {
        if (!onWalk(c, path) || !countsWalked(c)) continue;
        const byLine = aliveClaims.get(c.anchored) ?? new Map<number, Set<string>>();
        const where = byLine.get(c.index) ?? new Set<string>();
        where.add(path);
        byLine.set(c.index, where);
        aliveClaims.set(c.anchored, byLine);
      }
      for (const c of claims[i]?.derived ?? []) if (onWalk(c, path) && countsWalked(c)) addTo(editedClaims, c.anchored, c.index);
      return { ...line, claims: lineClaims(direct, derived) };
    });
    files.set(path, { path, exists: true, lines, commits: blamed.commits });
  }

  const patches: PatchSurvival[] = [];
  const superseded = supersededLines(anchored);
  for (const a of judged) {
    const alive = aliveClaims.get(a) ?? new Map<number, Set<string>>();
    const edited = editedClaims.get(a) ?? new Set<number>();
    patches.push(
      a.patch.added.some((l) => provesAlone(a, l.index)) || a.patch.removed.every((r) => r.common)
        ? decide(a, { alive, edited, editedBeforeCommit: enteredEdited.get(a) ?? new Set(), walkFates: walk.fates, superseded: superseded(a), refName: request.refName })
        : await decideRemoval(a, ctx, { ref: request.ref, refName: request.refName, onRef }),
    );
  }
  return { patches, files, anchoredSessions: new Set(anchored.filter((a) => a.onRef.size > 0).map((a) => a.patch.session)) };
}

function lineClaims(direct: readonly Claim[], derived: readonly Claim[]): LineClaim[] {
  const out: LineClaim[] = [];
  const seen = new Set<string>();
  for (const [claims, edited] of [[direct, false], [derived, true]] as const) {
    for (const c of claims) {
      const p = c.anchored.patch;
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      out.push({ session: p.session, step: p.step, stepId: p.stepId, path: p.path, edited });
    }
  }
  // The latest step first: it is the one that last wrote the line.
  return out.sort((x, y) => Number(x.edited) - Number(y.edited) || y.step - x.step || x.session.localeCompare(y.session));
}

const BLAME_CONCURRENCY = 4;
