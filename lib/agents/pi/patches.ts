// Reported patches of pi's `edit` and `write` tools.
//
// Sources, best first: the result's `details.patch` (a unified diff, newer pi builds), its
// `details.diff` (pi's numbered display diff: whole lines at their real positions), and last the
// call's arguments (`oldText`/`newText` or `edits[]`: substrings, placed by `firstChangedLine`
// when known, else numbered from 1). A `write` is reported as a creation: pi does not say whether
// the file existed. Paths become repository-relative; a file outside the repository is dropped.

import { asArray, asString, field, isRecord } from '../../model/json.js';
import { hunksToDiff, patchFromTexts, repoRelativePath } from '../../model/patch.js';
import type { Patch } from '../../model/step.js';
import { firstChangedLine, hunksFromNumberedDiff } from './numbered-diff.js';

export interface PatchContext {
  readonly repoRoot: string | null;
  /** The session's working directory (header `cwd`): relative tool paths start there. */
  readonly cwd?: string;
}

export interface ReportedPatches {
  readonly patches: readonly Patch[];
  /** Files the tool changed outside the repository (dropped). */
  readonly outside: number;
}

const NONE: ReportedPatches = { patches: [], outside: 0 };

/** The patches a successful `edit` or `write` call reports; nothing for other tools. */
export function reportedPatches(toolName: string, input: unknown, details: unknown, context: PatchContext): ReportedPatches {
  if (toolName !== 'edit' && toolName !== 'write') return NONE;
  const rawPath = asString(field(input, 'path'));
  if (rawPath === undefined) return NONE;
  const path = repositoryPath(rawPath, context);
  if (path === null) return { patches: [], outside: 1 };
  const patch = toolName === 'write' ? writePatch(path, input) : editPatch(path, input, details);
  return { patches: patch === null ? [] : [patch], outside: 0 };
}

/**
 * The repository-relative form of a path a pi tool was given, or null outside the repository.
 * `~` is the home of the machine that recorded the session, unknown here: treated as outside.
 */
export function repositoryPath(path: string, context: PatchContext): string | null {
  if (context.repoRoot !== null && (path === '~' || path.startsWith('~/'))) return null;
  const relative = repoRelativePath(context.repoRoot, path, context.cwd);
  return relative === '' ? null : relative;
}

function writePatch(path: string, input: unknown): Patch | null {
  const content = asString(field(input, 'content'));
  if (content === undefined) return null;
  return patchFromTexts({ path, before: null, after: content, origin: 'reported' });
}

function editPatch(path: string, input: unknown, details: unknown): Patch | null {
  const unified = asString(field(details, 'patch'));
  if (unified !== undefined) {
    const hunks = hunkText(unified);
    if (hunks !== null) return { path, diff: hunksToDiff(path, []) + hunks, origin: 'reported', op: 'modify' };
  }
  const numbered = asString(field(details, 'diff'));
  if (numbered !== undefined) {
    const hunks = hunksFromNumberedDiff(numbered);
    if (hunks !== null) return { path, diff: hunksToDiff(path, hunks), origin: 'reported', op: 'modify' };
  }
  return patchFromArguments(path, input, details);
}

/** One hunk text per replacement; only the first can be placed (pi reports one first changed line). */
function patchFromArguments(path: string, input: unknown, details: unknown): Patch | null {
  const first = isRecord(details) ? firstChangedLine(details) : undefined;
  let body = '';
  for (const [index, edit] of replacements(input).entries()) {
    const patch = patchFromTexts({ path, before: edit.oldText, after: edit.newText, origin: 'reported' });
    const hunks = patch === null ? null : hunkText(withoutEndOfFileMarks(patch.diff));
    if (hunks === null) continue;
    body += index === 0 && first !== undefined ? shiftHunks(hunks, first - firstChangedRow(hunks)) : hunks;
  }
  return body === '' ? null : { path, diff: hunksToDiff(path, []) + body, origin: 'reported', op: 'modify' };
}

interface Replacement {
  readonly oldText: string;
  readonly newText: string;
}

function replacements(input: unknown): Replacement[] {
  const single = replacementOf(input);
  if (single !== null) return [single];
  const out: Replacement[] = [];
  for (const edit of asArray(field(input, 'edits'))) {
    const replacement = replacementOf(edit);
    if (replacement !== null) out.push(replacement);
  }
  return out;
}

function replacementOf(value: unknown): Replacement | null {
  const oldText = asString(field(value, 'oldText'));
  const newText = asString(field(value, 'newText'));
  return oldText === undefined || newText === undefined ? null : { oldText, newText };
}

/** The hunks of a unified diff (from its first `@@`), each line ending in a newline; null without hunks. */
function hunkText(diff: string): string | null {
  const start = diff.startsWith('@@') ? 0 : diff.indexOf('\n@@') + 1;
  if (start === 0 && !diff.startsWith('@@')) return null;
  const text = diff.slice(start);
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** A snippet does not end where the file ends: its "no newline" marks would be false. */
function withoutEndOfFileMarks(diff: string): string {
  return diff
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
}

/** The 1-based position, in the snippet, of the first added or removed line. */
function firstChangedRow(hunks: string): number {
  let row = 0;
  for (const line of hunks.split('\n')) {
    const header = /^@@ -(\d+)/.exec(line);
    if (header !== null) {
      row = Number(header[1]);
      continue;
    }
    if (line.startsWith('+') || line.startsWith('-')) return Math.max(row, 1);
    row += 1;
  }
  return 1;
}

function shiftHunks(hunks: string, offset: number): string {
  if (offset === 0) return hunks;
  return hunks.replace(/^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@/gm, (_all, oldStart: string, oldCount: string, newStart: string, newCount: string) => {
    const shift = (start: string): number => Math.max(Number(start) + offset, 0);
    return `@@ -${shift(oldStart)}${oldCount} +${shift(newStart)}${newCount} @@`;
  });
}
