// Tool steps: an assistant `toolCall` block paired with its `toolResult` message into one step,
// and the user's own `!cmd` (`bashExecution`) as a step of its own.
//
// Exit codes: pi's bash tool has no exit-code field; a failing command's result text ends with
// `Command exited with code N`, a successful one says nothing (exit code 0). A result ending in
// `Command aborted` / `Operation aborted` was stopped by the user: status `interrupted`.

import { asNumber, asString, compact, field } from '../../model/json.js';
import { STEP_VERSION, type ToolStatus, type ToolStep } from '../../model/step.js';
import type { BashExecution, ToolResult } from './entry.js';
import { reportedPatches, repositoryPath, type PatchContext } from './patches.js';

export interface CallFacts {
  readonly id: string;
  readonly timestamp: string | null;
  readonly sourceId?: string;
  readonly model?: string;
  readonly name: string;
  readonly callId?: string;
  readonly input: unknown;
  /** The message stopped (`aborted`, `error`) before pi ran its tools: no result will come. */
  readonly interrupted: boolean;
}

/** The step of a call whose result is not known yet. */
export function callStep(facts: CallFacts): ToolStep {
  return compact<ToolStep>({
    v: STEP_VERSION,
    kind: 'tool',
    id: facts.id,
    timestamp: facts.timestamp,
    sourceId: facts.sourceId,
    model: facts.model,
    tool: compact<ToolStep['tool']>({
      name: facts.name,
      callId: facts.callId,
      input: facts.input,
      status: facts.interrupted ? 'interrupted' : 'pending',
    }),
  });
}

export interface Completed {
  readonly step: ToolStep;
  /** Edited files outside the repository, dropped from `patches`. */
  readonly outside: number;
}

/** The call's step with its result filled in; edits and writes that succeeded carry their patch. */
export function completeCall(step: ToolStep, result: ToolResult, context: PatchContext): Completed {
  const name = step.tool.name;
  const status = statusOf(result);
  const reported = status === 'ok' ? reportedPatches(name, step.tool.input, result.details, context) : { patches: [], outside: 0 };
  const tool = compact<ToolStep['tool']>({
    ...step.tool,
    output: result.output,
    exitCode: exitCodeOf(name, result),
    status,
    reads: status === 'ok' ? readsOf(name, step.tool.input, context) : undefined,
  });
  const completed = compact<ToolStep>({ ...step, tool, patches: reported.patches.length > 0 ? reported.patches : undefined });
  return { step: completed, outside: reported.outside };
}

/** A result whose call was never seen (or was cut off): a step from the result alone. */
export function orphanResultStep(facts: Omit<CallFacts, 'name' | 'callId' | 'input' | 'interrupted'>, result: ToolResult, context: PatchContext): Completed {
  const step = callStep({ ...facts, name: result.toolName ?? 'unknown', callId: result.callId, input: null, interrupted: false });
  return completeCall(step, result, context);
}

/** The user's `!cmd` in pi's editor, run outside the model's turn. */
export function bashExecutionStep(facts: Pick<CallFacts, 'id' | 'timestamp' | 'sourceId'>, bash: BashExecution): ToolStep {
  const status: ToolStatus = bash.cancelled ? 'interrupted' : bash.exitCode !== undefined && bash.exitCode !== 0 ? 'error' : 'ok';
  return compact<ToolStep>({
    v: STEP_VERSION,
    kind: 'tool',
    id: facts.id,
    timestamp: facts.timestamp,
    sourceId: facts.sourceId,
    tool: compact<ToolStep['tool']>({ name: 'bash', input: { command: bash.command }, output: bash.output, exitCode: bash.exitCode, status }),
  });
}

function statusOf(result: ToolResult): ToolStatus {
  if (!result.isError) return 'ok';
  return /(?:Command|Operation) aborted\s*$/.test(result.output) ? 'interrupted' : 'error';
}

const EXIT_LINE = /Command exited with code (-?\d+)\s*$/;

export function exitCodeOf(toolName: string, result: ToolResult): number | undefined {
  const stated = asNumber(field(result.details, 'exitCode'));
  if (stated !== undefined) return stated;
  const match = EXIT_LINE.exec(result.output);
  if (match !== null) return Number(match[1]);
  return toolName === 'bash' && !result.isError ? 0 : undefined;
}

function readsOf(toolName: string, input: unknown, context: PatchContext): string[] | undefined {
  if (toolName !== 'read') return undefined;
  const path = asString(field(input, 'path'));
  if (path === undefined || path === '') return undefined;
  return [repositoryPath(path, context) ?? path];
}
