// Reading a step's surroundings in its session: the prompt that drove it, the model that ran it.

import type { IndexedStep } from '../model/step.js';

/** The last prompt of the main thread at or before the step; null when there is none. */
export function drivingPrompt(steps: readonly IndexedStep[], index: number): IndexedStep | null {
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const s = steps[i];
    if (s !== undefined && s.kind === 'prompt' && s.sidechain === undefined) return s;
  }
  return null;
}

/** The step's model, or the nearest earlier one's in the same thread (the reply that made the call). */
export function stepModel(steps: readonly IndexedStep[], index: number): string | null {
  const thread = steps[index]?.sidechain?.agentId;
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const s = steps[i];
    if (s === undefined || s.sidechain?.agentId !== thread) continue;
    if (s.model !== undefined) return s.model;
    if (s.kind === 'prompt' && i < index) return null;
  }
  return null;
}

/** A prompt's text as one short line. */
export function excerpt(text: string, width = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
