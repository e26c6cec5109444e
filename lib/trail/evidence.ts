// A session's patches as evidence: per patch, its added lines (with their keys, whether they are
// too common to prove anything, and the run of consecutive added lines each belongs to) and its
// removed lines. A step that has observed patches is taken from those alone: they are what
// really changed on disk; the agent's reported patches are used only for steps without any.

import type { IndexedStep, Patch, PatchOp, PatchOrigin } from '../model/step.js';
import type { LineHasher, LineKeys } from './lines.js';

export interface EvidenceLine extends LineKeys {
  /** Index among the patch's added lines. */
  readonly index: number;
  /** The run of consecutive added lines it belongs to, and its position in that run. */
  readonly run: number;
  readonly pos: number;
}

export interface PatchEvidence {
  /** `<session>#<step index>:<path>`, unique within a repository's sessions. */
  readonly key: string;
  readonly session: string;
  readonly step: number;
  readonly stepId: string;
  readonly path: string;
  readonly oldPath?: string;
  readonly origin: PatchOrigin;
  readonly op: PatchOp;
  readonly added: readonly EvidenceLine[];
  readonly removed: readonly LineKeys[];
}

/** The patches a step contributes: its observed ones when it has any, else its reported ones. */
export function effectivePatches(step: IndexedStep): readonly Patch[] {
  const patches = step.patches ?? [];
  const observed = patches.filter((p) => p.origin === 'observed');
  return observed.length > 0 ? observed : patches.filter((p) => p.origin === 'reported');
}

export function patchEvidence(session: string, step: IndexedStep, patch: Patch, hasher: LineHasher): PatchEvidence {
  const added: EvidenceLine[] = [];
  const removed: LineKeys[] = [];
  let run = -1;
  let pos = 0;
  let previousAdded = false;
  let inHunk = false;
  for (const line of patch.diff.split('\n')) {
    if (line.startsWith('@@')) {
      inHunk = true;
      previousAdded = false;
      continue;
    }
    if (!inHunk) continue;
    if (line.startsWith('+')) {
      if (!previousAdded) {
        run++;
        pos = 0;
      }
      const text = line.slice(1);
      added.push({ index: added.length, ...hasher.keys(text), run, pos: pos++ });
      previousAdded = true;
    } else {
      previousAdded = false;
      if (line.startsWith('-')) removed.push(hasher.keys(line.slice(1)));
    }
  }
  const op = patch.op ?? (patch.diff.startsWith('--- /dev/null') ? 'add' : /^\+\+\+ \/dev\/null$/m.test(patch.diff) ? 'delete' : 'modify');
  const evidence: PatchEvidence = {
    key: `${session}#${step.index}:${patch.path}`,
    session,
    step: step.index,
    stepId: step.id,
    path: patch.path,
    origin: patch.origin,
    op,
    added,
    removed,
  };
  return patch.oldPath === undefined ? evidence : { ...evidence, oldPath: patch.oldPath };
}
