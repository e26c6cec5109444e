// Applying trail patches to a work tree with `git apply`, one file's patch at a time, so a report
// can say exactly which step's change to which file did not apply.
//
// Stored patches keep only the unified-diff body (`--- a/p`, `+++ b/p`, hunks); the git header
// (`diff --git`, new/deleted file modes, renames) is rebuilt here from the patch's `op`, so
// creations, deletions and renames apply too. File modes are not recorded: new files get 0644.

import { runGit, GitError } from '../../refs/git.js';
import type { Patch } from '../model/step.js';

export type ApplyOutcome = 'applied' | 'already-there' | 'failed';

export interface PatchResult {
  readonly step: number | null;
  readonly path: string;
  readonly outcome: ApplyOutcome;
  /** git's first complaint, when it failed. */
  readonly reason?: string;
}

export interface ApplyReport {
  readonly results: readonly PatchResult[];
  readonly failed: number;
}

/** The patch as `git apply` wants it: a git header rebuilt from `op`, then the stored body. */
export function toGitDiff(patch: Patch): string {
  const oldPath = patch.oldPath ?? patch.path;
  const lines = [`diff --git ${quote(`a/${oldPath}`)} ${quote(`b/${patch.path}`)}`];
  const op = patch.op ?? inferOp(patch.diff);
  if (op === 'add') lines.push('new file mode 100644');
  if (op === 'delete') lines.push('deleted file mode 100644');
  if (op === 'rename') lines.push(`rename from ${quote(oldPath)}`, `rename to ${quote(patch.path)}`);
  const body = patch.diff.endsWith('\n') ? patch.diff : `${patch.diff}\n`;
  // A pure rename has a `---`/`+++` pair and no hunk, which git apply rejects: drop the pair.
  const hasHunk = /^@@ /m.test(body);
  return `${lines.join('\n')}\n${hasHunk ? body : ''}`;
}

function inferOp(diff: string): Patch['op'] {
  if (/^--- \/dev\/null$/m.test(diff)) return 'add';
  if (/^\+\+\+ \/dev\/null$/m.test(diff)) return 'delete';
  return 'modify';
}

// git C-quotes names holding a quote, a backslash or a control character.
function quote(name: string): string {
  if (!/["\\\x00-\x1f\x7f]/.test(name)) return name;
  const escaped = name.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return `"${escaped}"`;
}

export interface ApplyItem {
  readonly step: number | null;
  readonly patch: Patch;
}

/**
 * Apply each patch in order in `workTree`: applied as is; or, when its change is already there
 * (the reverse applies), skipped as `already-there`; else `failed`, and the next ones still run.
 */
export async function applyPatches(workTree: string, items: readonly ApplyItem[]): Promise<ApplyReport> {
  const results: PatchResult[] = [];
  for (const { step, patch } of items) {
    if (/^Binary files /m.test(patch.diff)) {
      results.push({ step, path: patch.path, outcome: 'failed', reason: 'a binary change: the trail keeps no content for it' });
      continue;
    }
    const input = toGitDiff(patch);
    const applied = await tryApply(workTree, ['apply', '--recount', '--whitespace=nowarn'], input);
    if (applied === null) {
      results.push({ step, path: patch.path, outcome: 'applied' });
      continue;
    }
    const reverse = await tryApply(workTree, ['apply', '--recount', '--whitespace=nowarn', '--reverse', '--check'], input);
    if (reverse === null) results.push({ step, path: patch.path, outcome: 'already-there' });
    else results.push({ step, path: patch.path, outcome: 'failed', reason: applied });
  }
  return { results, failed: results.filter((r) => r.outcome === 'failed').length };
}

/** Run `git apply`; null on success, else git's first line of complaint. */
async function tryApply(workTree: string, args: readonly string[], input: string): Promise<string | null> {
  try {
    await runGit(args, { cwd: workTree, input });
    return null;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const lines = error.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    return lines.find((l) => l.startsWith('error:'))?.replace(/^error:\s*/, '') ?? lines[0] ?? 'git apply failed';
  }
}
