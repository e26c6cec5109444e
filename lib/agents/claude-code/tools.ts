// A tool result's status, exit code and the files it read.
//
// Claude Code has no exit-code field: a failing Bash gives `is_error` and text starting
// `Exit code N`; a successful one implies 0, unless it ran in the background or Claude Code
// reinterpreted a non-zero code as success (`returnCodeInterpretation`, e.g. grep's 1).

import { asString, field } from '../../model/json.js';
import { repoRelativePath } from '../../model/patch.js';
import type { ToolStatus } from '../../model/step.js';

export interface ToolOutcome {
  readonly status: ToolStatus;
  readonly output: string;
  readonly exitCode?: number;
}

export interface ResultInput {
  readonly output: string;
  readonly isError: boolean;
}

// The user stopped the call, or refused it at the permission prompt: the tool did not finish.
const INTERRUPTED = [/^\[Request interrupted/, /^The user doesn't want to (proceed|take this action)/];
const EXIT_CODE = /^(?:Error: )?Exit code (-?\d+)/;

export function toolOutcome(name: string, result: ResultInput, toolUseResult: unknown): ToolOutcome {
  const output = result.output;
  const head = output.trimStart();
  if (result.isError) {
    if (INTERRUPTED.some((pattern) => pattern.test(head))) return { status: 'interrupted', output };
    const code = EXIT_CODE.exec(head);
    return code?.[1] === undefined ? { status: 'error', output } : { status: 'error', output, exitCode: Number(code[1]) };
  }
  if (field(toolUseResult, 'interrupted') === true) return { status: 'interrupted', output };
  if (name === 'Bash' && knowsSuccess(toolUseResult)) return { status: 'ok', output, exitCode: 0 };
  return { status: 'ok', output };
}

function knowsSuccess(toolUseResult: unknown): boolean {
  return field(toolUseResult, 'backgroundTaskId') === undefined && field(toolUseResult, 'returnCodeInterpretation') === undefined;
}

const READ_TOOLS = new Set(['Read', 'NotebookRead']);

/** The files a successful read tool read: repository-relative inside the repository, else as written. */
export function readsOf(name: string, input: unknown, repoRoot: string | null, cwd: string | undefined): readonly string[] | undefined {
  if (!READ_TOOLS.has(name)) return undefined;
  const path = asString(field(input, 'file_path')) ?? asString(field(input, 'notebook_path'));
  if (path === undefined || path === '') return undefined;
  return [repoRelativePath(repoRoot, path, cwd) ?? path];
}
