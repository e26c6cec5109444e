// pi's edit tool reports `details.diff`: its own display diff of the whole file, one line per row
// as `<sign><line number padded> <text>`, with ` <spaces> ...` where unchanged lines were left
// out. Context and removed rows carry the old line number, added rows the new one. Unlike the
// tool's arguments (a substring that may start or end mid-line), these rows are whole lines at
// their real positions, so they make a patch whose added lines can be anchored to commits.

import type { Hunk } from '../../model/patch.js';

const ROW = /^([ +-]) *(\d+)(?: (.*))?$/;
const GAP = /^ +\.\.\.$/;

interface Row {
  readonly sign: '+' | '-' | ' ';
  readonly number: number;
  readonly body: string;
}

/**
 * The hunks of a pi display diff, or null when the text is not in that format (or has no change).
 * Each stretch between `...` rows is one hunk. Before pi fixed its numbering (late 2025), the
 * leading context rows of a stretch carried wrong numbers, so a hunk is placed by its first
 * changed row and only the rows from there on are checked.
 */
export function hunksFromNumberedDiff(text: string): Hunk[] | null {
  const hunks: Hunk[] = [];
  let delta = 0; // new line number minus old line number, after the changes seen so far
  for (const stretch of stretches(text)) {
    const rows = stretch.map(parseRow);
    if (rows.some((row) => row === null)) return null;
    const hunk = placeHunk(rows as Row[], delta);
    if (hunk === null) return null;
    hunks.push(hunk.hunk);
    delta = hunk.delta;
  }
  return hunks.length > 0 ? hunks : null;
}

function stretches(text: string): string[][] {
  const out: string[][] = [[]];
  for (const row of text.split('\n')) {
    if (GAP.test(row)) out.push([]);
    else out[out.length - 1]?.push(row);
  }
  return out.filter((rows) => rows.length > 0);
}

function parseRow(row: string): Row | null {
  const match = ROW.exec(row);
  if (match === null) return null;
  const sign = match[1] === '+' ? '+' : match[1] === '-' ? '-' : ' ';
  return { sign, number: Number(match[2]), body: match[3] ?? '' };
}

function placeHunk(rows: readonly Row[], deltaBefore: number): { hunk: Hunk; delta: number } | null {
  const first = rows.findIndex((row) => row.sign !== ' ');
  const anchor = rows[first];
  if (anchor === undefined) return null;
  const oldAnchor = anchor.sign === '+' ? anchor.number - deltaBefore : anchor.number;
  const newAnchor = anchor.sign === '+' ? anchor.number : anchor.number + deltaBefore;
  const oldStart = oldAnchor - first;
  const newStart = newAnchor - first;
  if (oldStart < 1 || newStart < 1) return null;
  let nextOld = oldStart;
  let nextNew = newStart;
  let delta = deltaBefore;
  const lines: string[] = [];
  for (const [index, row] of rows.entries()) {
    const checked = index >= first;
    if (row.sign === '+') {
      if (checked && row.number !== nextNew) return null;
      nextNew += 1;
      delta += 1;
    } else {
      if (checked && row.number !== nextOld) return null;
      nextOld += 1;
      if (row.sign === ' ') nextNew += 1;
      else delta -= 1;
    }
    lines.push(`${row.sign}${row.body}`);
  }
  const oldLines = nextOld - oldStart;
  const newLines = nextNew - newStart;
  // Unified diffs name the line before an empty side (`@@ -0,0 +1 @@` for a creation).
  const hunk: Hunk = {
    oldStart: oldLines === 0 ? oldStart - 1 : oldStart,
    oldLines,
    newStart: newLines === 0 ? newStart - 1 : newStart,
    newLines,
    lines,
  };
  return { hunk, delta };
}

/** The first changed line pi reports, from `details.firstChangedLine` or the diff's first changed row. */
export function firstChangedLine(details: { readonly firstChangedLine?: unknown; readonly diff?: unknown }): number | undefined {
  const stated = details.firstChangedLine;
  if (typeof stated === 'number' && Number.isInteger(stated) && stated > 0) return stated;
  if (typeof details.diff !== 'string') return undefined;
  for (const row of details.diff.split('\n')) {
    const match = /^[+-] *(\d+)(?: |$)/.exec(row);
    if (match !== null) return Number(match[1]);
  }
  return undefined;
}
