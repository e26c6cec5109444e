// Choosing what a capsule carries: the slice of steps (by default the failing step and a few
// around it), the failing step (the last failed tool result, unless named), and the verdict: the
// command that shows the failure (--test, else the failing command) and what failure looks like.

import { relative, isAbsolute, sep } from 'node:path';
import { NotFoundError, UsageError } from '../lib/errors.js';
import type { IndexedStep } from '../lib/model/step.js';
import { errorLine, isFailedTool, shellCommand } from '../lib/ctx/tool-facts.js';
import type { StepSpec } from '../lib/replay/step-spec.js';
import type { Verdict } from './payload.js';

/** Steps kept before and after the failing step when no range is given. */
export const STEPS_BEFORE = 8;
export const STEPS_AFTER = 2;

export interface SliceRequest {
  readonly spec: StepSpec;
  /** --step N: the failing step. */
  readonly step?: number;
  /** --test CMD: the verdict command. */
  readonly test?: string;
  /** --expect TEXT: the error string a failing run prints. */
  readonly expect?: string;
  /** The repository's top and the session's cwd, to run the verdict where the agent did. */
  readonly repoRoot: string | null;
  readonly sessionCwd: string | undefined;
}

export interface SliceChoice {
  readonly from: number;
  readonly to: number;
  readonly failingStep: number | null;
  readonly verdict: Verdict;
}

export function chooseSlice(steps: readonly IndexedStep[], request: SliceRequest): SliceChoice {
  const last = steps.length - 1;
  if (last < 0) throw new NotFoundError(`session '${request.spec.id}' has no steps`);
  const spec = request.spec;
  const range = spec.kind === 'range' ? { from: spec.from ?? 0, to: Math.min(spec.to ?? last, last) } : null;
  if (range !== null && range.from > last) throw new NotFoundError(`session '${spec.id}' has no step ${range.from}`, { hint: `its steps are numbered 0 to ${last}` });
  const named = request.step ?? (spec.kind === 'step' ? spec.step : undefined);
  if (named !== undefined && (named > last || (range !== null && (named < range.from || named > range.to)))) {
    throw new NotFoundError(`step ${named} is not in ${range === null ? `session '${spec.id}'` : `steps ${range.from}..${range.to}`}`);
  }
  const within = (s: IndexedStep): boolean => range === null || (s.index >= range.from && s.index <= range.to);
  const failing = named ?? [...steps].reverse().find((s) => within(s) && isFailedTool(s))?.index ?? null;
  const from = range?.from ?? Math.max(0, (failing ?? last) - STEPS_BEFORE);
  const to = range?.to ?? Math.min(last, (failing ?? last) + STEPS_AFTER);
  return { from, to, failingStep: failing, verdict: chooseVerdict(steps, failing, { from, to }, request) };
}

function chooseVerdict(steps: readonly IndexedStep[], failing: number | null, slice: { from: number; to: number }, request: SliceRequest): Verdict {
  const cwd = relativeCwd(request.repoRoot, request.sessionCwd);
  if (request.test !== undefined) {
    if (request.test.trim() === '') throw new UsageError('--test needs a command');
    return {
      command: request.test,
      source: 'flag',
      step: failing,
      cwd,
      stateAfter: failing === null ? slice.to : failing - 1,
      failure: { exitCode: null, errorLine: request.expect ?? null },
    };
  }
  // The failing step's own command; else the last failed command before it in the slice.
  const candidates = steps.filter((s) => s.index >= slice.from && s.index <= (failing ?? slice.to));
  const ran = [...candidates].reverse().find((s) => isFailedTool(s) && shellCommand(s) !== null && (failing === null || s.index <= failing));
  const failingStep = failing === null ? undefined : steps[failing];
  const step = failingStep !== undefined && shellCommand(failingStep) !== null ? failingStep : ran;
  const command = step === undefined ? null : shellCommand(step);
  if (step === undefined || command === null || step.kind !== 'tool') {
    throw new UsageError(`no failed command in steps ${slice.from}..${slice.to} to re-run`, {
      hint: failing === null ? 'name the failing step with --step N, or the verdict command with --test CMD' : `step ${failing} is not a shell command: give the verdict command with --test CMD`,
    });
  }
  return {
    command,
    source: 'step',
    step: step.index,
    cwd,
    stateAfter: step.index - 1,
    // A named step that did not fail by its exit code: any non-zero exit counts as the failure.
    failure: { exitCode: isFailedTool(step) ? step.tool.exitCode ?? null : null, errorLine: request.expect ?? errorLine(step.tool.output ?? '') },
  };
}

/** The session's cwd relative to the repository's top; '.' when unknown or outside. */
export function relativeCwd(repoRoot: string | null, cwd: string | undefined): string {
  if (repoRoot === null || cwd === undefined || !isAbsolute(cwd)) return '.';
  const rel = relative(repoRoot, cwd);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return '.';
  return rel.split(sep).join('/');
}
