// Tool results as Codex wrote them. The `output` of a `*_output` item changed form across
// versions, and the exit code hides inside it when no `exec_command_end` event says it:
//   0.5x–0.66 custom tools: a JSON string `{"output": "…", "metadata": {"exit_code": 0, …}}`
//   0.66 shell:  `Exit code: 0\nWall time: …\nOutput:\n…`
//   0.12x exec:  `Chunk ID: …\nWall time: …\nProcess exited with code 0\nOriginal token count: …\nOutput:\n…`
//                 (`Process running with session ID N` while the process lives on)
//   newer:       a content list `[{type: input_text, text}]` or one such item
//   older:       `{content, success}`
// Exit codes are read only from the header before `Output:`, never from the command's own output.

import { asArray, asBoolean, asNumber, asString, isRecord, tryParseJson } from '../../model/json.js';
import { contentText } from './content.js';

export interface ToolOutput {
  readonly text: string;
  readonly exitCode?: number;
  /** False when the output itself says the call failed (`success: false`). */
  readonly success?: boolean;
  /** The process was still running when this output was written (unified exec). */
  readonly running: boolean;
}

const EXIT_PATTERNS: readonly RegExp[] = [/^Exit code: (-?\d+)$/m, /^Process exited with code (-?\d+)$/m];
const RUNNING = /^Process running with session ID \S+$/m;

/** The header part of a plain-text tool output: everything before the `Output:` line. */
function headerOf(text: string): string | undefined {
  if (text.startsWith('Output:\n')) return '';
  const at = text.indexOf('\nOutput:\n');
  if (at === -1) return text.endsWith('\nOutput:') ? text : undefined;
  return text.slice(0, at);
}

function fromPlainText(text: string): ToolOutput {
  const header = headerOf(text);
  if (header === undefined) return { text, running: false };
  for (const pattern of EXIT_PATTERNS) {
    const match = pattern.exec(header);
    if (match !== null) return { text, exitCode: Number(match[1]), running: false };
  }
  return { text, running: RUNNING.test(header) };
}

function fromWrappedJson(text: string): ToolOutput | undefined {
  if (!text.startsWith('{')) return undefined;
  const parsed = tryParseJson(text);
  if (!isRecord(parsed) || typeof parsed['output'] !== 'string' || !isRecord(parsed['metadata'])) return undefined;
  const exitCode = asNumber(parsed['metadata']['exit_code']);
  const inner = parsed['output'];
  return exitCode === undefined ? { text: inner, running: false } : { text: inner, exitCode, running: false };
}

/** Read a `*_output` item's `output` field, whatever its version's form. */
export function readToolOutput(output: unknown): ToolOutput {
  if (typeof output === 'string') return fromWrappedJson(output) ?? fromPlainText(output);
  if (Array.isArray(output)) return fromPlainText(contentText(output));
  if (isRecord(output)) {
    if (typeof output['text'] === 'string') return fromPlainText(output['text']);
    const content = output['content'];
    if (content !== undefined) {
      const inner = readToolOutput(typeof content === 'string' ? content : asArray(content));
      const success = asBoolean(output['success']);
      return success === undefined ? inner : { ...inner, success };
    }
  }
  if (output === undefined || output === null) return { text: '', running: false };
  return { text: JSON.stringify(output), running: false };
}

/** The text of an MCP `result`: `{Ok: {content, isError}}` or `{Err: …}`; failed when Err or isError. */
export function readMcpResult(result: unknown): { readonly text: string; readonly failed: boolean } {
  if (!isRecord(result)) return { text: result === undefined ? '' : JSON.stringify(result), failed: false };
  if ('Err' in result) {
    const error = result['Err'];
    return { text: asString(error) ?? JSON.stringify(error), failed: true };
  }
  const ok = isRecord(result['Ok']) ? result['Ok'] : result;
  const text = contentText(ok['content']);
  return { text, failed: ok['isError'] === true };
}
