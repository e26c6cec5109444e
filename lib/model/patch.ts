// Building trail patches: unified diffs with repository-relative paths, in the form `git apply`
// accepts (`--- a/p`, `+++ b/p`, `/dev/null` for creations and deletions).

import { isAbsolute, relative, sep } from 'node:path';
import { structuredPatch } from 'diff';
import type { Patch, PatchOp, PatchOrigin } from './step.js';

export interface Hunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** Lines prefixed with ' ', '-', '+' or '\' (no newline at end of file). */
  readonly lines: readonly string[];
}

/**
 * The repository-relative form of a path the agent wrote, with '/' separators, or null when it
 * lies outside the repository. Relative paths are taken as relative to `cwd` (default: the root).
 */
export function repoRelativePath(repoRoot: string | null, path: string, cwd?: string): string | null {
  if (repoRoot === null) return stripLeadingSlash(path.split(sep).join('/'));
  const absolute = isAbsolute(path) ? path : `${cwd ?? repoRoot}${sep}${path}`;
  const rel = relative(repoRoot, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

function stripLeadingSlash(path: string): string {
  return path.replace(/^\/+/, '');
}

function header(path: string, op: PatchOp, oldPath?: string): string {
  const from = op === 'add' ? '/dev/null' : `a/${oldPath ?? path}`;
  const to = op === 'delete' ? '/dev/null' : `b/${path}`;
  return `--- ${from}\n+++ ${to}\n`;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** Render hunks (Claude Code's `structuredPatch`, or ours) as a unified diff. */
export function hunksToDiff(path: string, hunks: readonly Hunk[], op: PatchOp = 'modify', oldPath?: string): string {
  let out = header(path, op, oldPath);
  for (const hunk of hunks) {
    out += `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@\n`;
    for (const line of hunk.lines) out += line.endsWith('\n') ? line : `${line}\n`;
  }
  return out;
}

export interface TextChange {
  readonly path: string;
  /** Text before the step; null when the step created the file. */
  readonly before: string | null;
  /** Text after the step; null when the step deleted the file. */
  readonly after: string | null;
  readonly origin: PatchOrigin;
  readonly oldPath?: string;
}

/** A patch from the full text before and after, or null when nothing changed. */
export function patchFromTexts(change: TextChange): Patch | null {
  const before = change.before ?? '';
  const after = change.after ?? '';
  if (change.before !== null && change.after !== null && before === after && change.oldPath === undefined) return null;
  const op: PatchOp =
    change.before === null ? 'add' : change.after === null ? 'delete' : change.oldPath !== undefined ? 'rename' : 'modify';
  // Diff only the region that changed (plus context): an edit to one line of a long file must
  // not cost a diff of the whole file. Line numbers are shifted back afterwards.
  const region = changedRegion(before, after, CONTEXT_LINES);
  const structured = structuredPatch('a', 'b', region.before, region.after, '', '', { context: CONTEXT_LINES });
  // git numbers an empty side from 0 ('@@ -0,0 +1,3 @@' for a new file); jsdiff says 1.
  const hunks: Hunk[] = structured.hunks.map((h) => ({
    oldStart: h.oldLines === 0 && change.before === null ? 0 : h.oldStart + region.skipped,
    oldLines: h.oldLines,
    newStart: h.newLines === 0 && change.after === null ? 0 : h.newStart + region.skipped,
    newLines: h.newLines,
    lines: h.lines,
  }));
  const patch: Patch = { path: change.path, diff: hunksToDiff(change.path, hunks, op, change.oldPath), origin: change.origin, op };
  return change.oldPath === undefined ? patch : { ...patch, oldPath: change.oldPath };
}

const CONTEXT_LINES = 3;

/**
 * The two texts without the lines they share at the start and the end, less `context` lines
 * kept on each side; `skipped` is the number of leading lines dropped.
 */
export function changedRegion(before: string, after: string, context: number): { before: string; after: string; skipped: number } {
  const a = splitKeepingEnds(before);
  const b = splitKeepingEnds(after);
  let head = 0;
  const shorter = Math.min(a.length, b.length);
  while (head < shorter && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < shorter - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const skipped = Math.max(0, head - context);
  const keptTail = Math.max(0, tail - context);
  return { before: a.slice(skipped, a.length - keptTail).join(''), after: b.slice(skipped, b.length - keptTail).join(''), skipped };
}

function splitKeepingEnds(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** Lines a patch adds, without their '+' prefix. */
export function addedLines(diff: string): string[] {
  const out: string[] = [];
  for (const line of diff.split('\n')) if (line.startsWith('+') && !line.startsWith('+++ ')) out.push(line.slice(1));
  return out;
}

/** Lines a patch removes, without their '-' prefix. */
export function removedLines(diff: string): string[] {
  const out: string[] = [];
  for (const line of diff.split('\n')) if (line.startsWith('-') && !line.startsWith('--- ')) out.push(line.slice(1));
  return out;
}
