// What the model could see at a step: the session's ctx items (system prompt, instructions,
// tool definitions) that apply by then, and the messages in its window: every step of the same
// thread since the last compaction before it (the compaction's summary stands for what it
// replaced), with the files its tools read. Computed from the stored steps; nothing is guessed.

import type { IndexedStep } from '../model/step.js';
import type { ContextRecord } from '../store/records.js';

export interface StepContext {
  readonly step: number;
  readonly items: readonly ContextRecord[];
  /** The first step of the window: 0, or the last compaction at or before `step`. */
  readonly windowStart: number;
  readonly window: readonly IndexedStep[];
  readonly filesRead: readonly { readonly path: string; readonly step: number }[];
}

export function contextAt(steps: readonly IndexedStep[], items: readonly ContextRecord[], index: number): StepContext {
  const target = steps[index];
  if (target === undefined) throw new RangeError(`no step ${index}`);
  const thread = target.sidechain?.agentId;
  const sameThread = (s: IndexedStep): boolean => s.sidechain?.agentId === thread;
  let windowStart = 0;
  for (let i = index; i >= 0; i--) {
    const s = steps[i];
    if (s !== undefined && s.kind === 'compaction' && sameThread(s)) {
      windowStart = i;
      break;
    }
  }
  const window = steps.slice(windowStart, index).filter(sameThread);
  const position = new Map(steps.map((s) => [s.id, s.index]));
  const applicable = items.filter((item) => item.fromStepId === undefined || (position.get(item.fromStepId) ?? Infinity) <= index);
  const filesRead = window.flatMap((s) => (s.kind === 'tool' ? (s.tool.reads ?? []).map((path) => ({ path, step: s.index })) : []));
  return { step: index, items: applicable, windowStart, window, filesRead };
}
