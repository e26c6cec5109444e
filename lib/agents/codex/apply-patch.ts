// Codex edits as trail patches. Two sources, the first preferred:
//   `event_msg/patch_apply_end.changes`: per file (absolute path) `{type: add, content}`,
//     `{type: delete, content}` or `{type: update, unified_diff, move_path}`; what was applied.
//   the `apply_patch` input itself, in Codex's grammar:
//       *** Begin Patch
//       *** Add File: p        then `+line`s
//       *** Delete File: p
//       *** Update File: p     then optional `*** Move to: q`, then `@@ [hint]` hunks of ` `/`-`/`+` lines
//       *** End of File        (optional, inside a hunk)
//       *** End Patch
// NEEDSWORK: the grammar carries no line numbers, so hunks parsed from it get approximate ones
// (in order, from line 1); the patch observed from working-tree snapshots is the authority.

import { hunksToDiff, patchFromTexts, repoRelativePath, type Hunk } from '../../model/patch.js';
import type { Patch, PatchOp } from '../../model/step.js';
import { asArray, asString, isRecord } from '../../model/json.js';

export interface PatchPaths {
  readonly repoRoot: string | null;
  /** The directory relative paths in the patch are relative to. */
  readonly cwd: string | undefined;
}

export interface PatchesResult {
  readonly patches: readonly Patch[];
  /** Files the edit touched outside the repository (dropped). */
  readonly outside: number;
}

interface FileEdit {
  readonly path: string;
  readonly op: 'add' | 'delete' | 'update';
  readonly movePath?: string;
  /** Add: the new content. Delete: the old content, when known. */
  readonly content?: string;
  readonly hunks: readonly Hunk[];
}

/** The patch text of an apply_patch call (custom tool, function form, or shell-invoked), if any. */
export function extractPatchText(name: string, input: unknown): { readonly text: string; readonly workdir?: string } | undefined {
  const workdir = isRecord(input) ? asString(input['workdir']) : undefined;
  const found = patchTextOf(name, input);
  if (found === undefined || !found.includes('*** Begin Patch')) return undefined;
  return workdir === undefined ? { text: found } : { text: found, workdir };
}

function patchTextOf(name: string, input: unknown): string | undefined {
  if (name === 'apply_patch') {
    if (typeof input === 'string') return input;
    if (isRecord(input)) return asString(input['input']) ?? asString(input['patch']);
    return undefined;
  }
  if (!isRecord(input)) return undefined;
  const command = input['command'] ?? input['cmd'];
  if (typeof command === 'string') return heredocPatch(command);
  const argv = asArray(command).map((a) => asString(a) ?? '');
  if ((argv[0] === 'apply_patch' || argv[0] === 'applypatch') && argv.length >= 2) return argv[1];
  if (argv.length >= 3 && /(^|\/)(ba|z)?sh$/.test(argv[0] ?? '')) return heredocPatch(argv[argv.length - 1] ?? '');
  return undefined;
}

const HEREDOC = /^\s*(?:cd\s+\S+\s*&&\s*)?(?:apply_patch|applypatch)\s+<<-?\s*['"]?(\w+)['"]?\n([\s\S]*?)\n\1\s*$/;

function heredocPatch(script: string): string | undefined {
  return HEREDOC.exec(script)?.[2];
}

/** Patches from the apply_patch grammar. */
export function patchesFromGrammar(text: string, paths: PatchPaths): PatchesResult {
  return toPatches(parseGrammar(text), paths);
}

/** Patches from `patch_apply_end.changes`. */
export function patchesFromChanges(changes: unknown, paths: PatchPaths): PatchesResult {
  if (!isRecord(changes)) return { patches: [], outside: 0 };
  const edits: FileEdit[] = [];
  for (const [path, change] of Object.entries(changes)) {
    if (!isRecord(change)) continue;
    const type = change['type'];
    if (type === 'add' || type === 'delete') {
      const content = asString(change['content']);
      edits.push(content === undefined ? { path, op: type, hunks: [] } : { path, op: type, content, hunks: [] });
    } else if (type === 'update') {
      const movePath = asString(change['move_path']);
      const hunks = parseUnifiedHunks(asString(change['unified_diff']) ?? '');
      edits.push(movePath === undefined ? { path, op: 'update', hunks } : { path, op: 'update', movePath, hunks });
    }
  }
  return toPatches(edits, paths);
}

function toPatches(edits: readonly FileEdit[], paths: PatchPaths): PatchesResult {
  const patches: Patch[] = [];
  let outside = 0;
  for (const edit of edits) {
    const path = repoRelativePath(paths.repoRoot, edit.movePath ?? edit.path, paths.cwd);
    const oldPath = edit.movePath === undefined ? undefined : repoRelativePath(paths.repoRoot, edit.path, paths.cwd);
    if (path === null || oldPath === null || !isPlainRelative(path) || (oldPath !== undefined && !isPlainRelative(oldPath))) {
      outside += 1;
      continue;
    }
    patches.push(patchOf(edit, path, oldPath));
  }
  return { patches, outside };
}

/** A path the step model accepts: relative, without '..' (with no repository root, paths stay as written). */
function isPlainRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').includes('..');
}

function patchOf(edit: FileEdit, path: string, oldPath: string | undefined): Patch {
  if (edit.op === 'add' && edit.content !== undefined) {
    return patchFromTexts({ path, before: null, after: edit.content, origin: 'reported' }) ?? headerOnly(path, 'add');
  }
  if (edit.op === 'delete' && edit.content !== undefined) {
    return patchFromTexts({ path, before: edit.content, after: null, origin: 'reported' }) ?? headerOnly(path, 'delete');
  }
  if (edit.op !== 'update') return headerOnly(path, edit.op);
  const op: PatchOp = oldPath === undefined ? 'modify' : 'rename';
  const diff = hunksToDiff(path, edit.hunks, op, oldPath);
  return oldPath === undefined ? { path, diff, origin: 'reported', op } : { path, diff, origin: 'reported', op, oldPath };
}

function headerOnly(path: string, op: PatchOp): Patch {
  return { path, diff: hunksToDiff(path, [], op), origin: 'reported', op };
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Hunks of a unified diff body (`@@ -a,b +c,d @@` sections); file headers, if any, are skipped. */
export function parseUnifiedHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] } | undefined;
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const header = HUNK_HEADER.exec(line);
    if (header !== null) {
      if (current !== undefined) hunks.push(current);
      current = {
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        lines: [],
      };
      continue;
    }
    if (current === undefined) continue;
    current.lines.push(line === '' ? ' ' : line);
  }
  if (current !== undefined) hunks.push(current);
  return hunks;
}

interface GrammarHunk {
  readonly lines: string[];
}

/** Parse the apply_patch grammar; lenient: unknown lines are ignored, a missing `@@` opens a hunk. */
function parseGrammar(text: string): FileEdit[] {
  const edits: FileEdit[] = [];
  let file: { path: string; op: 'add' | 'delete' | 'update'; movePath?: string; added: string[]; hunks: GrammarHunk[] } | undefined;
  const flush = (): void => {
    if (file === undefined) return;
    if (file.op === 'add') edits.push({ path: file.path, op: 'add', content: file.added.length === 0 ? '' : `${file.added.join('\n')}\n`, hunks: [] });
    else if (file.op === 'delete') edits.push({ path: file.path, op: 'delete', hunks: [] });
    else {
      const hunks = numberHunks(file.hunks.filter((h) => h.lines.length > 0));
      edits.push(file.movePath === undefined ? { path: file.path, op: 'update', hunks } : { path: file.path, op: 'update', movePath: file.movePath, hunks });
    }
    file = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const directive = /^\*\*\* (Add File|Delete File|Update File|Move to): (.+)$/.exec(line.trimEnd());
    if (directive !== null) {
      const [, what, path = ''] = directive;
      if (what === 'Move to') {
        if (file !== undefined && file.op === 'update') file.movePath = path.trim();
        continue;
      }
      flush();
      file = { path: path.trim(), op: what === 'Add File' ? 'add' : what === 'Delete File' ? 'delete' : 'update', added: [], hunks: [] };
      continue;
    }
    if (line.startsWith('*** ')) {
      if (line.trim() === '*** End Patch') flush();
      continue;
    }
    if (file === undefined) continue;
    if (file.op === 'add') {
      if (line.startsWith('+')) file.added.push(line.slice(1));
      continue;
    }
    if (file.op !== 'update') continue;
    if (line.startsWith('@@')) {
      file.hunks.push({ lines: [] });
      continue;
    }
    if (file.hunks.length === 0) file.hunks.push({ lines: [] });
    const hunk = file.hunks[file.hunks.length - 1];
    if (hunk === undefined) continue;
    if (line === '') hunk.lines.push(' ');
    else if (line.startsWith(' ') || line.startsWith('-') || line.startsWith('+')) hunk.lines.push(line);
  }
  flush();
  return edits;
}

/** Give grammar hunks (which have no line numbers) approximate, ordered ones. */
function numberHunks(hunks: readonly GrammarHunk[]): Hunk[] {
  const out: Hunk[] = [];
  let oldNext = 1;
  let shift = 0;
  for (const hunk of hunks) {
    const lines = trimTrailingBlankContext(hunk.lines);
    const oldLines = lines.filter((l) => !l.startsWith('+')).length;
    const newLines = lines.filter((l) => !l.startsWith('-')).length;
    out.push({ oldStart: oldNext, oldLines, newStart: oldNext + shift, newLines, lines });
    oldNext += oldLines;
    shift += newLines - oldLines;
  }
  return out;
}

/** A blank line before the next directive is the patch's own spacing, not an empty context line. */
function trimTrailingBlankContext(lines: readonly string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out[out.length - 1] === ' ') out.pop();
  return out;
}
