// A Gemini tool call with its result. Gemini keeps the result inside the call (`result`, a Part
// list of `functionResponse`s), so one record gives the whole ToolCall.
//
// Exit codes: `run_shell_command` writes them into its output text. Older versions always wrote
// `Exit Code: <n>`; current ones (upstream `shell.ts`) write the line only when the code is not
// 0 and begin the text with `Output:`, so such a text without `Exit Code`, `Error` or `Signal`
// lines means 0.

import { asString, compact, isRecord } from '../../model/json.js';
import { repoRelativePath } from '../../model/patch.js';
import type { ToolCall, ToolStatus } from '../../model/step.js';
import type { GeminiToolCall } from './records.js';

const SHELL_TOOLS: ReadonlySet<string> = new Set(['run_shell_command']);
const READ_TOOLS: ReadonlySet<string> = new Set(['read_file']);

export function toolStatus(status: string | undefined): ToolStatus {
  switch (status) {
    case 'success':
      return 'ok';
    case 'error':
      return 'error';
    case 'cancelled':
      return 'interrupted';
    default:
      // scheduled, validating, awaiting_approval, executing, or absent: no result yet.
      return 'pending';
  }
}

/** The result text: each functionResponse's `output` (or `error`), plus any plain text parts. */
export function resultText(result: unknown): string | undefined {
  if (result === undefined || result === null) return undefined;
  if (typeof result === 'string') return result;
  const parts = Array.isArray(result) ? result : [result];
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    else if (!isRecord(part)) continue;
    else if (isRecord(part['functionResponse'])) texts.push(...responseTexts(part['functionResponse']['response']));
    else if (typeof part['text'] === 'string') texts.push(part['text']);
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function responseTexts(response: unknown): string[] {
  if (response === undefined || response === null) return [];
  if (typeof response === 'string') return [response];
  if (!isRecord(response)) return [JSON.stringify(response)];
  const out: string[] = [];
  for (const key of ['output', 'error'] as const) {
    const value = response[key];
    if (value === undefined || value === null) continue;
    out.push(typeof value === 'string' ? value : JSON.stringify(value));
  }
  // MCP and newer tools may answer with other keys: keep them rather than lose the result.
  return out.length > 0 ? out : [JSON.stringify(response)];
}

const EXIT_CODE = /^Exit Code: (-?\d+)\s*$/gm;

export function shellExitCode(output: string): number | undefined {
  let last: string | undefined;
  for (const match of output.matchAll(EXIT_CODE)) last = match[1];
  if (last !== undefined) return Number(last);
  const current = output.startsWith('Output:') && !/^(Error|Signal): /m.test(output) && !/^Exit Code:/m.test(output);
  return current ? 0 : undefined;
}

/** The path a file tool's args name (`file_path`, older `absolute_path`, or `path`). */
export function argsPath(args: unknown): string | undefined {
  if (!isRecord(args)) return undefined;
  return asString(args['file_path']) ?? asString(args['absolute_path']) ?? asString(args['path']);
}

export function toToolCall(call: GeminiToolCall, repoRoot: string | null): ToolCall {
  const status = toolStatus(call.status);
  const output = resultText(call.result);
  const exitCode = SHELL_TOOLS.has(call.name) && output !== undefined && status !== 'pending' ? shellExitCode(output) : undefined;
  return compact({
    name: call.name,
    callId: call.id,
    input: call.args,
    output,
    exitCode,
    status,
    reads: readsOf(call, repoRoot),
  });
}

function readsOf(call: GeminiToolCall, repoRoot: string | null): readonly string[] | undefined {
  if (!READ_TOOLS.has(call.name)) return undefined;
  const path = argsPath(call.args);
  if (path === undefined || path === '') return undefined;
  return [repoRelativePath(repoRoot, path) ?? path];
}
