// The walk: candidate commits on the ref, parents first, following each claimed line. A commit
// that removes one either reverts it (its message reverts one of the line's anchor commits, or
// its change to the file is the patch's inverse), edits it (the same hunk adds a line sharing at
// least EDIT_SIMILARITY of its tokens, or, for a common line whose few tokens cannot tell, the
// hunk replaces that one line by one other line: that line inherits the claim, as an edit), or
// removes it. Renames carry lines to the new path.
// Instances are matched by exact hash, first in first out.
//
// A person may also edit the agent's line before the commit (editsBeforeCommit): the commit
// then carries the edited line where the patch's line would stand among its anchored neighbours,
// and that line is followed as an edit from the start.
//
// An edit is the editing commit's: blame shows its author, with the claimed line as its origin.
// A change of whitespace or formatting only is no edit: the line keeps its exact or loose key, so
// it anchors to the patch directly (anchor.ts) and stays the agent's.

import type { AddedLine, CommitFile, CommitHunk, CommitRecord } from './commit-diff.js';
import type { EvidenceLine } from './evidence.js';
import { claimKey, lineKey, pushTo, type AnchoredPatch, type Claim, type WalkFate } from './claims.js';
import { provesAlone } from './anchor.js';
import { similarity } from './lines.js';
import type { TrailContext } from './scope.js';

/** An edit keeps at least this share of a line's tokens (Jaccard, as multisets). */
export const EDIT_SIMILARITY = 0.5;
/** A commit is a patch's inverse when it removes this share of its lines (and adds nothing else). */
export const INVERSE_SHARE = 0.8;

interface Instance {
  readonly claims: readonly Claim[];
}

export interface Walk {
  /** By claimKey. */
  readonly fates: Map<string, WalkFate>;
  /** By lineKey: lines that are edited versions of claimed lines. */
  readonly derived: Map<string, Claim[]>;
  /** Every path each patch's lines were seen on, renames followed. */
  readonly paths: Map<AnchoredPatch, Set<string>>;
}

/**
 * Follow the claimed lines: `anchorIndex` (by lineKey) holds the lines commits carry as the patch
 * wrote them, `editedIndex` those a person edited before their commit (editsBeforeCommit).
 */
export function walkHistory(ctx: TrailContext, commits: readonly string[], anchorIndex: ReadonlyMap<string, readonly Claim[]>, editedIndex: ReadonlyMap<string, readonly Claim[]> = new Map()): Walk {
  const live = new Map<string, Map<string, Instance[]>>();
  const fates = new Map<string, WalkFate>();
  const derived = new Map<string, Claim[]>();
  const paths = new Map<AnchoredPatch, Set<string>>();
  const seenOn = (claims: readonly Claim[], path: string): void => {
    for (const c of claims) {
      const set = paths.get(c.anchored) ?? new Set<string>();
      set.add(path);
      paths.set(c.anchored, set);
    }
  };
  const addLive = (path: string, h: string, instance: Instance): void => {
    const byHash = live.get(path) ?? new Map<string, Instance[]>();
    pushTo(byHash, h, instance);
    live.set(path, byHash);
    seenOn(instance.claims, path);
  };
  for (const node of ctx.graph.oldestFirst(commits)) {
    const record = ctx.cache.get(node.id);
    if (record === undefined) continue;
    for (const file of record.files) {
      if (file.oldPath === undefined) continue;
      const moving = live.get(file.oldPath);
      if (moving === undefined) continue;
      live.delete(file.oldPath);
      for (const [h, list] of moving) for (const instance of list) addLive(file.path, h, instance);
    }
    for (const file of record.files) {
      for (const hunk of file.hunks) {
        followRemovals(record, file, hunk, live.get(file.path), { fates, derived, addLive });
        for (const line of hunk.added) {
          const k = lineKey(record.id, file.path, line.n);
          const claims = anchorIndex.get(k);
          if (claims !== undefined) {
            for (const c of claims) fates.delete(claimKey(c));
            addLive(file.path, line.h, { claims });
          }
          const edited = editedIndex.get(k);
          if (edited !== undefined) {
            for (const c of edited) fates.delete(claimKey(c));
            derived.set(k, [...(derived.get(k) ?? []), ...edited]);
            addLive(file.path, line.h, { claims: edited });
          }
        }
      }
    }
  }
  return { fates, derived, paths };
}

interface WalkSink {
  readonly fates: Map<string, WalkFate>;
  readonly derived: Map<string, Claim[]>;
  readonly addLive: (path: string, h: string, instance: Instance) => void;
}

function followRemovals(record: CommitRecord, file: CommitFile, hunk: CommitHunk, live: Map<string, Instance[]> | undefined, sink: WalkSink): void {
  if (live === undefined) return;
  const taken = new Set<number>();
  for (const removed of hunk.removed) {
    const instance = live.get(removed.h)?.shift();
    if (instance === undefined) continue;
    const reverting = instance.claims.filter((c) => isRevertOf(record, c) || isInverse(file, c.anchored));
    for (const c of reverting) sink.fates.set(claimKey(c), { kind: 'reverted', by: record.id });
    const rest = instance.claims.filter((c) => !reverting.includes(c));
    if (rest.length === 0) continue;
    let best: { n: number; h: string; score: number } | null = null;
    for (const added of hunk.added) {
      if (taken.has(added.n)) continue;
      const score = similarity(removed.t, added.t);
      if (score >= EDIT_SIMILARITY && (best === null || score > best.score)) best = { n: added.n, h: added.h, score };
    }
    // A common line replaced by one line (`1.0.1` bumped to `1.0.2`): too few tokens to compare,
    // but the hunk itself says which line took its place. A distinctive line's tokens do tell:
    // one replaced by a line sharing under half of them was rewritten, not edited.
    const only = removed.common && hunk.removed.length === 1 && hunk.added.length === 1 ? hunk.added[0] : undefined;
    if (best === null && only !== undefined && !taken.has(only.n)) best = { n: only.n, h: only.h, score: 0 };
    if (best === null) {
      for (const c of rest) sink.fates.set(claimKey(c), { kind: 'removed', by: record.id });
      continue;
    }
    taken.add(best.n);
    for (const c of rest) sink.fates.set(claimKey(c), { kind: 'edited', by: record.id });
    const k = lineKey(record.id, file.path, best.n);
    sink.derived.set(k, [...(sink.derived.get(k) ?? []), ...rest]);
    sink.addLive(file.path, best.h, { claims: rest });
  }
}

/**
 * Lines a person edited between the agent's step and the commit. A distinctive line of a patch
 * that no commit carries is taken as edited by a commit on the ref when: the nearest anchored
 * distinctive neighbour of its run above or below (within EDIT_NEIGHBOUR_DISTANCE) is anchored
 * there (exact or similar), the commit adds a line at the same distance
 * from it, no patch claims that line as written, and it keeps at least EDIT_SIMILARITY of the
 * line's tokens. Anything less (the line moved, other lines put in between) proves nothing: the
 * line stays unanchored, as before.
 */
export function editsBeforeCommit(ctx: TrailContext, anchored: readonly AnchoredPatch[], onRef: ReadonlySet<string>, anchorIndex: ReadonlyMap<string, readonly Claim[]>): Map<string, Claim[]> {
  const out = new Map<string, Claim[]>();
  for (const a of anchored) {
    const runs = new Map<number, EvidenceLine[]>();
    for (const line of a.patch.added) pushTo(runs, line.run, line);
    for (const line of a.patch.added) {
      if (line.common || (a.lines[line.index] ?? []).length > 0) continue;
      const run = runs.get(line.run) ?? [];
      const target = editedTarget(ctx, a, line, run, { onRef, anchorIndex });
      if (target !== null) pushTo(out, target, { anchored: a, index: line.index });
    }
  }
  return out;
}

/** How far (in lines of its run) an edited line looks for an anchored neighbour. */
const EDIT_NEIGHBOUR_DISTANCE = 8;

/**
 * The lineKey of the commit's line that is `line` edited, from the nearest anchored distinctive
 * neighbour above and below (within EDIT_NEIGHBOUR_DISTANCE); null when none: a bounded search,
 * so that a long run with few anchors costs little.
 */
function editedTarget(ctx: TrailContext, a: AnchoredPatch, line: EvidenceLine, run: readonly EvidenceLine[], known: { readonly onRef: ReadonlySet<string>; readonly anchorIndex: ReadonlyMap<string, readonly Claim[]> }): string | null {
  const neighbours: EvidenceLine[] = [];
  for (const side of [-1, 1]) {
    for (let d = 1; d <= EDIT_NEIGHBOUR_DISTANCE; d++) {
      const neighbour = run[line.pos + side * d];
      if (neighbour === undefined) break;
      if (neighbour.common || (a.lines[neighbour.index] ?? []).length === 0) continue;
      neighbours.push(neighbour);
      break;
    }
  }
  for (const neighbour of neighbours) {
    for (const anchor of a.lines[neighbour.index] ?? []) {
      if ((anchor.match !== 'exact' && anchor.match !== 'similar') || !known.onRef.has(anchor.commit)) continue;
      const n = anchor.n + (line.pos - neighbour.pos);
      const k = lineKey(anchor.commit, anchor.path, n);
      if (known.anchorIndex.has(k)) continue;
      const added = addedLineAt(ctx, anchor.commit, anchor.path, n);
      if (added !== undefined && similarity(line.t, added.t) >= EDIT_SIMILARITY) return k;
    }
  }
  return null;
}

const addedByN = new WeakMap<CommitFile, Map<number, AddedLine>>();

function addedLineAt(ctx: TrailContext, commit: string, path: string, n: number): AddedLine | undefined {
  for (const file of ctx.cache.get(commit)?.files ?? []) {
    if (file.path !== path) continue;
    let byN = addedByN.get(file);
    if (byN === undefined) {
      byN = new Map(file.hunks.flatMap((h) => h.added.map((l) => [l.n, l] as const)));
      addedByN.set(file, byN);
    }
    const line = byN.get(n);
    if (line !== undefined) return line;
  }
  return undefined;
}

function isRevertOf(record: CommitRecord, claim: Claim): boolean {
  const target = record.revertOf;
  if (target === undefined) return false;
  return (claim.anchored.lines[claim.index] ?? []).some((a) => a.commit.startsWith(target) || target.startsWith(a.commit));
}

const inverseMemo = new WeakMap<CommitFile, Map<string, boolean>>();

/**
 * The commit's change to the file undoes the patch: it removes at least INVERSE_SHARE of the
 * patch's anchored lines that prove something alone, and what distinctive lines it adds there
 * (if any) are, for INVERSE_SHARE of them, lines the patch had removed.
 */
function isInverse(file: CommitFile, anchored: AnchoredPatch): boolean {
  const memo = inverseMemo.get(file) ?? new Map<string, boolean>();
  inverseMemo.set(file, memo);
  const known = memo.get(anchored.patch.key);
  if (known !== undefined) return known;
  const patch = anchored.patch;
  const mine = patch.added.filter((l) => provesAlone(anchored, l.index) && anchored.onRef.has(l.index)).map((l) => l.h);
  const removed = new Set(file.hunks.flatMap((h) => h.removed.map((r) => r.h)));
  // A small change (anchored by its hunk: every line common) is undone only by putting back the
  // very lines it removed: its inverse is judged on every line added, common ones too.
  const small = !patch.added.some((l) => !l.common);
  const added = file.hunks.flatMap((h) => h.added.filter((a) => small || !a.common));
  const restored = new Set(patch.removed.map((r) => r.l));
  const removesMine = mine.length > 0 && mine.filter((h) => removed.has(h)).length >= INVERSE_SHARE * mine.length;
  const addsOnlyRestored = added.length === 0 || added.filter((a) => restored.has(a.l)).length >= INVERSE_SHARE * added.length;
  const result = removesMine && addsOnlyRestored;
  memo.set(patch.key, result);
  return result;
}

