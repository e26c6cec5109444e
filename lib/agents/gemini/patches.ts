// Reported patches of Gemini's edit tools (`replace`, `write_file`, older `edit`).
//
// Best source first:
// 1. `resultDisplay.fileDiff`: a unified diff from jsdiff's `createPatch(fileName, …)`; its
//    header names only the base name, so the hunks are kept and the header is rewritten.
// 2. `resultDisplay.originalContent` / `newContent`: the whole file before and after.
// 3. The call's args: `content` of `write_file`, `old_string` / `new_string` of `replace`. The
//    snippet diff of `replace` numbers its lines from the snippet, not from the file.
//
// Only calls that succeeded changed a file. Paths: the FileDiff's absolute `filePath`, else the
// args' path; a relative path is resolved through the absolute path the tool's own output names
// ("Successfully overwrote file: /abs/…"), else taken as relative to the repository root.

import { isAbsolute } from 'node:path';
import { asString, isRecord, type JsonRecord } from '../../model/json.js';
import { hunksToDiff, patchFromTexts, repoRelativePath, type Hunk } from '../../model/patch.js';
import type { Patch, PatchOp } from '../../model/step.js';
import type { GeminiToolCall } from './records.js';
import { argsPath } from './tools.js';

const EDIT_TOOLS: ReadonlySet<string> = new Set(['replace', 'edit', 'write_file']);

export type SkippedEdit = 'edit/outside-repository' | 'edit/no-path' | 'edit/no-change';

export type EditOutcome = { readonly kind: 'patch'; readonly patch: Patch } | { readonly kind: 'skipped'; readonly reason: SkippedEdit };

export function isEditTool(name: string): boolean {
  return EDIT_TOOLS.has(name);
}

/** The patch an edit call reports, why it has none, or null when the call is not a successful edit. */
export function reportedPatch(call: GeminiToolCall, output: string | undefined, repoRoot: string | null): EditOutcome | null {
  if (!isEditTool(call.name) || call.status !== 'success') return null;
  const display = isRecord(call.resultDisplay) ? call.resultDisplay : undefined;
  const written = asString(display?.['filePath']) ?? argsPath(call.args);
  if (written === undefined || written === '') return { kind: 'skipped', reason: 'edit/no-path' };
  const path = resolvePath(written, output, repoRoot);
  if (path === null) return { kind: 'skipped', reason: 'edit/outside-repository' };
  const patch = fromFileDiff(path, display) ?? fromContents(path, display) ?? fromArgs(path, call, output);
  return patch === null ? { kind: 'skipped', reason: 'edit/no-change' } : { kind: 'patch', patch };
}

function resolvePath(written: string, output: string | undefined, repoRoot: string | null): string | null {
  if (repoRoot === null || isAbsolute(written)) return repoRelativePath(repoRoot, written);
  const absolute = output === undefined ? undefined : absolutePathEndingWith(output, written.replace(/^\.\//, ''));
  return repoRelativePath(repoRoot, absolute ?? written);
}

/** An absolute path in `text` that ends with `/<relative>`, e.g. from "wrote to new file: /a/b/c.py." */
function absolutePathEndingWith(text: string, relative: string): string | undefined {
  const needle = `/${relative}`;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if (end < text.length && !/[\s.,)]/.test(text.charAt(end))) continue;
    const start = Math.max(text.lastIndexOf(' ', at), text.lastIndexOf('\n', at)) + 1;
    const candidate = text.slice(start, end);
    if (candidate.startsWith('/')) return candidate;
  }
  return undefined;
}

function fromFileDiff(path: string, display: JsonRecord | undefined): Patch | null {
  const fileDiff = asString(display?.['fileDiff']);
  if (fileDiff === undefined) return null;
  const hunks = parseHunks(fileDiff);
  if (hunks.length === 0) return null;
  const op: PatchOp = isCreation(display, hunks) ? 'add' : 'modify';
  return { path, diff: hunksToDiff(path, hunks, op), origin: 'reported', op };
}

function isCreation(display: JsonRecord | undefined, hunks: readonly Hunk[]): boolean {
  if (display?.['isNewFile'] === true || display?.['originalContent'] === null) return true;
  if (display?.['isNewFile'] === false || typeof display?.['originalContent'] === 'string') return false;
  const only = hunks.length === 1 ? hunks[0] : undefined;
  return only !== undefined && only.oldStart === 0 && only.oldLines === 0;
}

function fromContents(path: string, display: JsonRecord | undefined): Patch | null {
  const after = asString(display?.['newContent']);
  const original = display?.['originalContent'];
  if (after === undefined || (original !== null && typeof original !== 'string')) return null;
  return patchFromTexts({ path, before: original, after, origin: 'reported' });
}

function fromArgs(path: string, call: GeminiToolCall, output: string | undefined): Patch | null {
  if (!isRecord(call.args)) return null;
  if (call.name === 'write_file') {
    const content = asString(call.args['content']);
    if (content === undefined) return null;
    // The prior text of an overwritten file is not recorded: diff against empty, as a modify.
    const overwrote = output !== undefined && /overwrote/i.test(output);
    return patchFromTexts({ path, before: overwrote ? '' : null, after: content, origin: 'reported' });
  }
  const before = asString(call.args['old_string']);
  const after = asString(call.args['new_string']);
  if (before === undefined || after === undefined) return null;
  // An empty old_string creates the file (upstream edit tool).
  return patchFromTexts({ path, before: before === '' ? null : before, after, origin: 'reported' });
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The hunks of a single-file unified diff, whatever its header says. */
export function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: { header: Omit<Hunk, 'lines'>; lines: string[]; old: number; new: number } | undefined;
  const close = (): void => {
    if (current !== undefined) hunks.push({ ...current.header, lines: current.lines });
    current = undefined;
  };
  for (const line of diff.split('\n')) {
    const header = HUNK_HEADER.exec(line);
    if (header !== null) {
      close();
      const oldLines = header[2] === undefined ? 1 : Number(header[2]);
      const newLines = header[4] === undefined ? 1 : Number(header[4]);
      current = {
        header: { oldStart: Number(header[1]), oldLines, newStart: Number(header[3]), newLines },
        lines: [],
        old: oldLines,
        new: newLines,
      };
      continue;
    }
    if (current === undefined) continue;
    if (line.startsWith('\\')) {
      current.lines.push(line);
    } else if (current.old === 0 && current.new === 0) {
      close();
    } else if (line.startsWith(' ') || (line === '' && current.old > 0 && current.new > 0)) {
      current.lines.push(line === '' ? ' ' : line);
      current.old -= 1;
      current.new -= 1;
    } else if (line.startsWith('-')) {
      current.lines.push(line);
      current.old -= 1;
    } else if (line.startsWith('+')) {
      current.lines.push(line);
      current.new -= 1;
    } else {
      close();
    }
  }
  close();
  return hunks;
}
