// Naming steps of a session on the command line: `ID`, `ID@N` (after step N), `ID@A..B` (steps A
// to B, both included; either end may be left out: `ID@..B`, `ID@A..`).

import { NotFoundError, UsageError } from '../errors.js';

export type StepSpec =
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'step'; readonly id: string; readonly step: number }
  | { readonly kind: 'range'; readonly id: string; readonly from: number | null; readonly to: number | null };

export function parseStepSpec(text: string): StepSpec {
  const at = text.lastIndexOf('@');
  if (at === -1) return { kind: 'session', id: text };
  const id = text.slice(0, at);
  const rest = text.slice(at + 1);
  if (id === '') throw new UsageError(`'${text}' names no session`, { hint: 'write ID@N or ID@A..B' });
  const range = /^(\d*)\.\.(\d*)$/.exec(rest);
  if (range !== null) {
    const from = range[1] === '' || range[1] === undefined ? null : Number(range[1]);
    const to = range[2] === '' || range[2] === undefined ? null : Number(range[2]);
    if (from !== null && to !== null && from > to) throw new UsageError(`the range '${rest}' is empty`, { hint: 'write ID@A..B with A <= B' });
    return { kind: 'range', id, from, to };
  }
  if (!/^\d+$/.test(rest)) throw new UsageError(`cannot read '${rest}' as a step number`, { hint: 'write ID@N or ID@A..B' });
  return { kind: 'step', id, step: Number(rest) };
}

/** The step number of `ID@N`, checked against the session's length. */
export function requireStep(spec: StepSpec, stepCount: number, usage: string): { id: string; step: number } {
  if (spec.kind !== 'step') throw new UsageError(`name a step: ${spec.id}@N`, { hint: usage });
  checkStep(spec.id, spec.step, stepCount);
  return { id: spec.id, step: spec.step };
}

export function checkStep(id: string, step: number, stepCount: number): void {
  if (step >= stepCount) {
    throw new NotFoundError(`session '${id}' has no step ${step}`, { hint: stepCount === 0 ? 'it has no steps' : `its steps are numbered 0 to ${stepCount - 1}` });
  }
}
