// Anchoring: which commits carry a patch's lines. A patch's added lines are looked up among the
// added lines of the candidate commits (those after the session's base) in the same file (or the
// file a commit renamed it to):
//
// 1. exact: the same exact key (whitespace at the ends and inside runs does not matter);
// 2. similar: the same loose key (quotes, `;` `,` `(` `)` `{` `}` do not matter), or a line a
//    formatter split into several consecutive lines, or several lines it joined into one
//    (their token sequences concatenate to the same);
// 3. context: a common line (blank, brace, import…) never anchors by itself; it anchors only at
//    the very position a distinctive neighbour of its run anchored to, offset by their distance.
// 4. hunk: a small change, every added line common (a `sed` bump of `1.0.0` to `1.0.1`), has no
//    distinctive line to lean on; it anchors where path, hunk and order agree all at once: a
//    candidate commit (after the session's base: order) changes the same file (path) with hunks
//    that remove exactly the patch's removed lines and add exactly its added lines, in the same
//    order (hunk). A common line alone (a pure addition of `}` or `return;`, with no removed
//    line to pin it) still never anchors, and a whitespace-only change proves nothing either.
//
// A removal-only patch is anchored by the commits that removed its distinctive lines.
// Where a line stands as evidence on its own is `provesAlone`, the one place the rules meet.

import type { CommitFile, CommitRecord, AddedLine } from './commit-diff.js';
import type { EvidenceLine, PatchEvidence } from './evidence.js';

export type MatchKind = 'exact' | 'similar' | 'context' | 'hunk';

export interface Anchor {
  readonly commit: string;
  /** The file in that commit. */
  readonly path: string;
  /** The line in that commit's version of the file. */
  readonly n: number;
  readonly match: MatchKind;
}

export interface RemovalAnchor {
  readonly commit: string;
  readonly path: string;
  /** How many of the patch's distinctive removed lines the commit removed. */
  readonly lines: number;
}

export interface PatchAnchors {
  readonly patch: PatchEvidence;
  /** Per added line (by index), every place it was found. */
  readonly lines: readonly (readonly Anchor[])[];
  readonly removals: readonly RemovalAnchor[];
}

const MAX_SPLIT = 5;
/** How far a common line looks for a distinctive neighbour in its run. */
const MAX_CONTEXT_DISTANCE = 40;

interface FileIndex {
  readonly byH: Map<string, AddedLine[]>;
  readonly byL: Map<string, AddedLine[]>;
  readonly byT: Map<string, AddedLine[]>;
  readonly byN: Map<number, AddedLine>;
  /** Runs of added lines with consecutive numbers. */
  readonly runs: readonly (readonly AddedLine[])[];
  readonly removedH: Set<string>;
}

const indexes = new WeakMap<CommitFile, FileIndex>();

function fileIndex(file: CommitFile): FileIndex {
  const known = indexes.get(file);
  if (known !== undefined) return known;
  const index: FileIndex = { byH: new Map(), byL: new Map(), byT: new Map(), byN: new Map(), runs: [], removedH: new Set() };
  const runs: AddedLine[][] = [];
  for (const hunk of file.hunks) {
    for (const k of hunk.removed) index.removedH.add(k.h);
    let run: AddedLine[] = [];
    for (const line of hunk.added) {
      push(index.byH, line.h, line);
      push(index.byL, line.l, line);
      push(index.byT, line.t, line);
      index.byN.set(line.n, line);
      const last = run[run.length - 1];
      if (last !== undefined && last.n + 1 !== line.n) {
        runs.push(run);
        run = [];
      }
      run.push(line);
    }
    if (run.length > 0) runs.push(run);
  }
  const full: FileIndex = { ...index, runs };
  indexes.set(file, full);
  return full;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * The keys by which `patch` can anchor in a commit's file (see fileKeys): its distinctive lines
 * exactly, loosely, split over lines, and joined with their neighbours, and its distinctive
 * removed lines. A file offering none of them gives the patch nothing (no anchor, no removal),
 * so it need not be looked at. Null for a small change, whose rule looks at every file's hunks.
 */
export function anchorKeys(patch: PatchEvidence): string[] | null {
  if (isSmallChange(patch)) return null;
  const keys: string[] = [];
  const distinctive = patch.added.filter((l) => !l.common);
  for (const [i, line] of distinctive.entries()) {
    keys.push(`h${line.h}`, `l${line.l}`);
    if (line.t.length >= 16) keys.push(`s${line.t}`);
    let joined = line.t;
    for (let j = i + 1; j < distinctive.length && j < i + MAX_SPLIT; j++) {
      const next = distinctive[j] as EvidenceLine;
      const previous = distinctive[j - 1] as EvidenceLine;
      if (next.run !== previous.run || next.pos !== previous.pos + 1) break;
      joined += next.t;
      if (joined.length >= 16) keys.push(`t${joined}`);
    }
  }
  for (const r of patch.removed) if (!r.common) keys.push(`r${r.h}`);
  return keys;
}

/** The keys a commit's change to a file offers to anchoring (anchorKeys). */
export function fileKeys(file: CommitFile): string[] {
  const index = fileIndex(file);
  const keys: string[] = [];
  for (const h of index.byH.keys()) keys.push(`h${h}`);
  for (const l of index.byL.keys()) keys.push(`l${l}`);
  for (const t of index.byT.keys()) if (t.length >= 16) keys.push(`t${t}`);
  for (const joined of splitIndex(index).keys()) keys.push(`s${joined}`);
  for (const h of index.removedH) keys.push(`r${h}`);
  return keys;
}

export function anchorPatch(patch: PatchEvidence, candidates: readonly CommitRecord[]): PatchAnchors {
  const lines: Anchor[][] = patch.added.map(() => []);
  const removals: RemovalAnchor[] = [];
  const distinctiveRemoved = patch.removed.filter((r) => !r.common);
  const small = isSmallChange(patch);
  for (const record of candidates) {
    for (const file of record.files) {
      if (file.path !== patch.path && file.oldPath !== patch.path) continue;
      const index = fileIndex(file);
      if (!file.deleted) anchorInFile(patch, record.id, file.path, index, lines);
      if (small && !file.deleted) anchorSmallChange(patch, record.id, file, lines);
      const removedHere = distinctiveRemoved.filter((r) => index.removedH.has(r.h)).length;
      if (removedHere > 0) removals.push({ commit: record.id, path: file.path, lines: removedHere });
    }
  }
  return { patch, lines, removals };
}

function anchorInFile(patch: PatchEvidence, commit: string, path: string, index: FileIndex, out: Anchor[][]): void {
  const found = new Map<number, Anchor[]>();
  const add = (line: EvidenceLine, target: AddedLine, match: MatchKind): void => {
    const list = found.get(line.index) ?? [];
    if (!list.some((a) => a.n === target.n)) list.push({ commit, path, n: target.n, match });
    found.set(line.index, list);
  };
  const distinctive = patch.added.filter((l) => !l.common);
  for (const line of distinctive) {
    const exact = index.byH.get(line.h);
    if (exact !== undefined) for (const t of exact) add(line, t, 'exact');
    else for (const t of index.byL.get(line.l) ?? []) add(line, t, 'similar');
  }
  for (const line of distinctive) if (!found.has(line.index)) matchSplit(line, index, add);
  matchJoined(distinctive.filter((l) => !found.has(l.index)), index, add);
  anchorCommonLines(patch, index, found, add);
  for (const [i, anchors] of found) (out[i] as Anchor[]).push(...anchors);
}

/**
 * A line that is evidence by itself: a distinctive line, or a line of a small change that rule 4
 * anchored (path, hunk and order agreeing make up for its being common). Every other line is
 * evidence only beside such a line of its run.
 */
export function provesAlone(a: PatchAnchors, index: number): boolean {
  const line = a.patch.added[index];
  if (line === undefined) return false;
  return !line.common || (a.lines[index] ?? []).some((x) => x.match === 'hunk');
}

/** Rule 4 applies: only common lines added, some line removed, and not a whitespace-only change. */
function isSmallChange(patch: PatchEvidence): boolean {
  if (patch.added.length === 0 || patch.removed.length === 0) return false;
  if (patch.added.some((l) => !l.common)) return false;
  return !sameSequence(patch.added.map((l) => l.h), patch.removed.map((r) => r.h));
}

/** Rule 4: consecutive hunks of the commit's change to the file that are exactly the patch's. */
function anchorSmallChange(patch: PatchEvidence, commit: string, file: CommitFile, out: Anchor[][]): void {
  const removed = patch.removed.map((r) => r.h);
  const added = patch.added.map((l) => l.h);
  for (let i = 0; i < file.hunks.length; i++) {
    const gotRemoved: string[] = [];
    const gotAdded: AddedLine[] = [];
    for (let j = i; j < file.hunks.length; j++) {
      const hunk = file.hunks[j] as CommitFile['hunks'][number];
      gotRemoved.push(...hunk.removed.map((r) => r.h));
      gotAdded.push(...hunk.added);
      if (!isPrefix(gotRemoved, removed) || !isPrefix(gotAdded.map((l) => l.h), added)) break;
      if (gotRemoved.length === removed.length && gotAdded.length === added.length) {
        gotAdded.forEach((target, k) => {
          const list = out[k] as Anchor[];
          if (!list.some((x) => x.commit === commit && x.path === file.path && x.n === target.n)) list.push({ commit, path: file.path, n: target.n, match: 'hunk' });
        });
        return;
      }
    }
  }
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

function sameSequence(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && isPrefix(a, b);
}

/** One patch line a formatter split over up to MAX_SPLIT consecutive lines of the commit. */
function matchSplit(line: EvidenceLine, index: FileIndex, add: (l: EvidenceLine, t: AddedLine, m: MatchKind) => void): void {
  if (line.t.length < 16) return;
  for (const target of splitIndex(index).get(line.t) ?? []) add(line, target, 'similar');
}

const splits = new WeakMap<FileIndex, Map<string, readonly AddedLine[]>>();

/**
 * Every run of 2 to MAX_SPLIT consecutive added lines of the file by the text their tokens make
 * joined, the first such run (in the file's order) for each text: one lookup per patch line,
 * where scanning the file's lines for each line of each patch grew with both.
 */
function splitIndex(index: FileIndex): Map<string, readonly AddedLine[]> {
  const known = splits.get(index);
  if (known !== undefined) return known;
  const map = new Map<string, readonly AddedLine[]>();
  for (const run of index.runs) {
    for (let i = 0; i < run.length; i++) {
      let joined = (run[i] as AddedLine).t;
      for (let j = i + 1; j < run.length && j < i + MAX_SPLIT; j++) {
        joined += (run[j] as AddedLine).t;
        if (joined.length >= 16 && !map.has(joined)) map.set(joined, run.slice(i, j + 1));
      }
    }
  }
  splits.set(index, map);
  return map;
}

/** Consecutive patch lines a formatter joined into one line of the commit. */
function matchJoined(lines: readonly EvidenceLine[], index: FileIndex, add: (l: EvidenceLine, t: AddedLine, m: MatchKind) => void): void {
  for (let i = 0; i < lines.length; i++) {
    let joined = (lines[i] as EvidenceLine).t;
    for (let j = i + 1; j < lines.length && j < i + MAX_SPLIT; j++) {
      const next = lines[j] as EvidenceLine;
      const previous = lines[j - 1] as EvidenceLine;
      if (next.run !== previous.run || next.pos !== previous.pos + 1) break;
      joined += next.t;
      const targets = joined.length >= 16 ? index.byT.get(joined) : undefined;
      if (targets !== undefined) {
        for (let k = i; k <= j; k++) for (const t of targets) add(lines[k] as EvidenceLine, t, 'similar');
        i = j;
        break;
      }
    }
  }
}

function anchorCommonLines(
  patch: PatchEvidence,
  index: FileIndex,
  found: Map<number, Anchor[]>,
  add: (l: EvidenceLine, t: AddedLine, m: MatchKind) => void,
): void {
  // A common line anchors only beside an anchored distinctive one: with none, nothing can.
  if (found.size === 0) return;
  const runs = new Map<number, EvidenceLine[]>();
  for (const line of patch.added) push(runs, line.run, line);
  for (const run of runs.values()) {
    for (const line of run) {
      if (!line.common) continue;
      // The nearest anchored distinctive lines of the run, alternating above and below.
      for (let d = 1; d <= MAX_CONTEXT_DISTANCE && !found.has(line.index); d++) {
        for (const neighbour of [run[line.pos - d], run[line.pos + d]]) {
          if (neighbour === undefined || neighbour.common) continue;
          for (const anchor of found.get(neighbour.index) ?? []) {
            if (anchor.match === 'context') continue;
            const target = index.byN.get(anchor.n + (line.pos - neighbour.pos));
            if (target !== undefined && (target.h === line.h || target.l === line.l)) add(line, target, 'context');
          }
        }
      }
    }
  }
}
