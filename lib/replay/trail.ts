// Which patches rebuild the work tree: per step, the observed ones when live capture watched the
// step (what really changed on disk, whatever the agent reported), else the agent's reported ones.
// A step that live capture watched and saw change nothing contributes nothing, even when the
// agent reported an edit: the observation wins.

import type { IndexedStep, Patch, Step } from '../model/step.js';

/** The patches that replay a step's change to the work tree, in the order they were recorded. */
export function effectivePatches(step: Step): readonly Patch[] {
  const patches = step.patches ?? [];
  const observed = patches.filter((p) => p.origin === 'observed');
  const watched = step.kind === 'tool' && step.tool.snapshot !== undefined;
  if (observed.length > 0 || watched) return observed;
  return patches.filter((p) => p.origin === 'reported');
}

/** One step's share of the trail, as carried in capsules and applied by checkout and replay. */
export interface TrailEntry {
  readonly step: number;
  readonly patches: readonly Patch[];
}

/** The trail of steps `0..upTo` (inclusive): each step with patches that change the work tree. */
export function trailUpTo(steps: readonly IndexedStep[], upTo: number): TrailEntry[] {
  const out: TrailEntry[] = [];
  for (const step of steps) {
    if (step.index > upTo) break;
    const patches = effectivePatches(step);
    if (patches.length > 0) out.push({ step: step.index, patches });
  }
  return out;
}

/** Whether any step up to `upTo` has only reported patches (the agent's word, not observed). */
export function reliesOnReported(trail: readonly TrailEntry[]): boolean {
  return trail.some((entry) => entry.patches.some((p) => p.origin === 'reported'));
}
