// Reported patches of Claude Code's file-editing tools (Edit, Write, MultiEdit, NotebookEdit).
//
// Best source first: the full texts in `toolUseResult` (a Write's content, or the original file
// with the Edit's replacement applied), then its `structuredPatch`, and only then the input.
// A patch from the input alone is a fragment: its hunks are numbered from the start of the
// replaced snippet, not of the file, so it carries the right added and removed lines but
// `git apply` would place it wrongly. Only successful calls get here (a failed edit changed nothing).

import { structuredPatch } from 'diff';
import { asArray, asNumber, asString, field, isRecord, type JsonRecord } from '../../model/json.js';
import { hunksToDiff, patchFromTexts, repoRelativePath, type Hunk } from '../../model/patch.js';
import type { Patch } from '../../model/step.js';

export const EDIT_TOOLS: ReadonlySet<string> = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

export type EditOutcome =
  | { readonly kind: 'patch'; readonly patch: Patch }
  /** The edited file lies outside the repository: dropped, and counted by the caller. */
  | { readonly kind: 'outside' }
  /** No change, or nothing to build a patch from; `reason` is the key it is counted under. */
  | { readonly kind: 'none'; readonly reason?: string };

export interface EditCall {
  readonly name: string;
  readonly input: unknown;
  readonly toolUseResult: unknown;
  readonly repoRoot: string | null;
  /** The record's working directory, for relative paths. */
  readonly cwd: string | undefined;
}

export function reportedPatch(call: EditCall): EditOutcome {
  const written =
    asString(field(call.toolUseResult, 'filePath')) ?? asString(field(call.input, 'file_path')) ?? asString(field(call.input, 'notebook_path'));
  if (written === undefined || written === '') return { kind: 'none', reason: 'edit/without-path' };
  const path = repoRelativePath(call.repoRoot, written, call.cwd);
  if (path === null) return { kind: 'outside' };
  const fromResult = patchFromResult(path, call);
  if (fromResult !== undefined) return fromResult === null ? { kind: 'none' } : { kind: 'patch', patch: fromResult };
  return patchFromInput(path, call.name, call.input);
}

/**
 * A patch from `toolUseResult`; null when it shows no change; undefined when it tells nothing.
 * The full texts come first: `structuredPatch` is Claude Code's display form (tabs shown as
 * spaces), so its lines may not match the file, while `originalFile` with the replacement
 * applied gives the file's real lines and line numbers.
 */
function patchFromResult(path: string, call: EditCall): Patch | null | undefined {
  const result = call.toolUseResult;
  if (!isRecord(result)) return undefined;
  const before = asString(result['originalFile']) ?? asString(result['originalFileContents']);
  const content = asString(result['content']);
  if (content !== undefined && result['type'] === 'create') return patchFromTexts({ path, before: null, after: content, origin: 'reported' });
  if (content !== undefined && before !== undefined) return patchFromTexts({ path, before, after: content, origin: 'reported' });
  if (before !== undefined && call.name !== 'Write') {
    const after = applyReplacements(before, replacementsOf(call.name, result, call.input));
    if (after !== undefined) return patchFromTexts({ path, before, after, origin: 'reported' });
  }
  const hunks = hunksOf(result['structuredPatch']);
  if (hunks !== undefined && hunks.length > 0) return { path, diff: hunksToDiff(path, hunks), origin: 'reported', op: 'modify' };
  return hunks === undefined ? undefined : null;
}

function replacementsOf(name: string, result: JsonRecord, input: unknown): Replacement[] | undefined {
  if (name === 'MultiEdit') return replacementList(result['edits'] ?? field(input, 'edits'));
  const before = asString(result['oldString']) ?? asString(field(input, 'old_string'));
  const after = asString(result['newString']) ?? asString(field(input, 'new_string'));
  const all = (result['replaceAll'] ?? field(input, 'replace_all')) === true;
  return before === undefined || after === undefined ? undefined : [{ before, after, all }];
}

/** The text after the replacements, or undefined when one of them does not match it. */
function applyReplacements(text: string, edits: readonly Replacement[] | undefined): string | undefined {
  if (edits === undefined) return undefined;
  let out = text;
  for (const edit of edits) {
    const at = edit.before === '' ? -1 : out.indexOf(edit.before);
    if (at === -1) return undefined;
    out = edit.all === true ? out.split(edit.before).join(edit.after) : out.slice(0, at) + edit.after + out.slice(at + edit.before.length);
  }
  return out;
}

function hunksOf(value: unknown): Hunk[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const hunks: Hunk[] = [];
  for (const item of value) {
    const oldStart = asNumber(field(item, 'oldStart'));
    const oldLines = asNumber(field(item, 'oldLines'));
    const newStart = asNumber(field(item, 'newStart'));
    const newLines = asNumber(field(item, 'newLines'));
    const lines = field(item, 'lines');
    if (oldStart === undefined || oldLines === undefined || newStart === undefined || newLines === undefined) return undefined;
    if (!Array.isArray(lines) || !lines.every((line) => typeof line === 'string')) return undefined;
    hunks.push({ oldStart, oldLines, newStart, newLines, lines: lines as readonly string[] });
  }
  return hunks;
}

function patchFromInput(path: string, name: string, input: unknown): EditOutcome {
  const patch = inputPatch(path, name, input);
  if (patch === undefined) return { kind: 'none', reason: `edit/${name}-without-content` };
  return patch === null ? { kind: 'none' } : { kind: 'patch', patch };
}

function inputPatch(path: string, name: string, input: unknown): Patch | null | undefined {
  switch (name) {
    case 'Write': {
      const content = asString(field(input, 'content'));
      return content === undefined ? undefined : patchFromTexts({ path, before: null, after: content, origin: 'reported' });
    }
    case 'Edit': {
      const edit = replacementOf(input);
      if (edit === undefined) return undefined;
      if (edit.before === '') return patchFromTexts({ path, before: null, after: edit.after, origin: 'reported' });
      return fragmentPatch(path, [edit]);
    }
    case 'MultiEdit': {
      const edits = replacementList(field(input, 'edits'));
      return edits === undefined ? undefined : fragmentPatch(path, edits);
    }
    default:
      return undefined;
  }
}

interface Replacement {
  readonly before: string;
  readonly after: string;
  readonly all?: boolean;
}

function replacementOf(value: unknown): Replacement | undefined {
  const before = asString(field(value, 'old_string'));
  const after = asString(field(value, 'new_string'));
  if (before === undefined || after === undefined) return undefined;
  return field(value, 'replace_all') === true ? { before, after, all: true } : { before, after };
}

/** MultiEdit's `edits`, or undefined when it is empty or one of them is malformed. */
function replacementList(value: unknown): Replacement[] | undefined {
  const edits: Replacement[] = [];
  for (const item of asArray(value)) {
    const edit = replacementOf(item);
    if (edit === undefined) return undefined;
    edits.push(edit);
  }
  return edits.length === 0 ? undefined : edits;
}

function fragmentPatch(path: string, edits: readonly Replacement[]): Patch | null {
  const hunks: Hunk[] = [];
  for (const edit of edits) {
    // A final newline on both sides keeps the diff free of "\ No newline" markers the file may not have.
    const diff = structuredPatch('a', 'b', withNewline(edit.before), withNewline(edit.after), '', '', { context: 3 });
    for (const h of diff.hunks) hunks.push({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines });
  }
  if (hunks.length === 0) return null;
  return { path, diff: hunksToDiff(path, hunks), origin: 'reported', op: 'modify' };
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
