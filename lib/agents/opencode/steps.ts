// One OpenCode 2.x `assistant` row (one model call) into steps: its text, reasoning and tool
// content in order. Ids come from the source (`<row id>:<index>`, a tool `<row id>:<call id>`);
// the row's usage and OpenCode's own cost go on its first step, keyed by the row.
// A tool call without a result is `interrupted` once its row is complete, else `pending`.

import { asArray, asNumber, asRecord, asString, compact, field, isRecord, type JsonRecord } from '../../model/json.js';
import { repoRelativePath } from '../../model/patch.js';
import { STEP_VERSION, type Patch, type PatchOp, type Step, type ToolCall, type ToolStatus, type Usage } from '../../model/step.js';

export interface RowContext {
  readonly rowId: string;
  readonly timestamp: string | null;
  readonly repoRoot: string | null;
  /** The session's directory: tool paths are relative to it. */
  readonly cwd?: string;
}

export function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function assistantSteps(data: JsonRecord, context: RowContext): Step[] {
  const model = asString(asRecord(data['model'])?.['id']);
  const complete = asNumber(asRecord(data['time'])?.['completed']) !== undefined;
  const steps: Step[] = [];
  for (const [index, item] of asArray(data['content']).entries()) {
    if (!isRecord(item)) continue;
    const at = isoTime(asNumber(asRecord(item['time'])?.['created'])) ?? context.timestamp;
    const base = { v: STEP_VERSION, timestamp: at, sourceId: context.rowId, usageKey: context.rowId, ...(model === undefined ? {} : { model }) };
    const text = asString(item['text']);
    if ((item['type'] === 'text' || item['type'] === 'reasoning') && text !== undefined && text !== '') {
      steps.push({ ...base, id: `${context.rowId}:${index}`, kind: item['type'] === 'text' ? 'message' : 'reasoning', text });
    } else if (item['type'] === 'tool') {
      const callId = asString(item['id']);
      const tool = toolCall(item, callId, complete, context);
      const patches = reportedPatches(asRecord(asRecord(item['state'])?.['metadata']), context);
      steps.push({ ...base, id: `${context.rowId}:${callId ?? index}`, kind: 'tool', tool, ...(patches.length === 0 ? {} : { patches }) });
    }
  }
  const first = steps[0];
  if (first !== undefined) steps[0] = { ...first, ...usageOf(data) };
  return steps;
}

/** OpenCode's `tokens`; its `output` leaves reasoning out, ours counts it in. */
function usageOf(data: JsonRecord): { usage?: Usage; costUSD?: number } {
  const tokens = asRecord(data['tokens']);
  const cost = asNumber(data['cost']);
  // A cost of 0 is OpenCode's for a free or subscription model: priced from tokens instead.
  const costUSD = cost !== undefined && cost > 0 ? { costUSD: cost } : {};
  if (tokens === undefined) return costUSD;
  const cache = asRecord(tokens['cache']);
  const reasoning = asNumber(tokens['reasoning']) ?? 0;
  const usage: Usage = {
    inputTokens: asNumber(tokens['input']) ?? 0,
    outputTokens: (asNumber(tokens['output']) ?? 0) + reasoning,
    cacheReadTokens: asNumber(cache?.['read']) ?? 0,
    cacheWriteTokens: asNumber(cache?.['write']) ?? 0,
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
  return { usage, ...costUSD };
}

const STATUS: Readonly<Record<string, ToolStatus>> = { completed: 'ok', error: 'error' };

function toolCall(item: JsonRecord, callId: string | undefined, complete: boolean, context: RowContext): ToolCall {
  const name = asString(item['name']) ?? 'unknown';
  const state = asRecord(item['state']) ?? {};
  const metadata = asRecord(state['metadata']);
  const status = STATUS[asString(state['status']) ?? ''] ?? (complete ? 'interrupted' : 'pending');
  const output = outputText(state);
  const exitCode = asNumber(metadata?.['exit']);
  const input = state['input'];
  const read = name === 'read' ? asString(asRecord(input)?.['path']) : undefined;
  const readPath = read === undefined ? null : repoRelativePath(context.repoRoot, read, context.cwd);
  return compact({ name, callId, input, output, exitCode, status, reads: readPath === null ? undefined : [readPath] });
}

/** The result's text items, joined; an attached file by its name; the error when there is no text. */
function outputText(state: JsonRecord): string | undefined {
  const parts = asArray(state['content']).flatMap((c) => {
    if (!isRecord(c)) return [];
    if (c['type'] === 'text') return [asString(c['text']) ?? ''];
    if (c['type'] === 'file') return [`[file ${asString(c['name']) ?? asString(c['uri']) ?? ''}]`];
    return [];
  });
  if (parts.length > 0) return parts.join('\n');
  const error = state['error'];
  return typeof error === 'string' ? error : isRecord(error) ? (asString(error['message']) ?? JSON.stringify(error)) : undefined;
}

const OPS: Readonly<Record<string, PatchOp>> = { added: 'add', deleted: 'delete', modified: 'modify' };

/** `metadata.files[]` of an `edit` or `write`: `{file, patch, status}`, the patch a unified diff. */
function reportedPatches(metadata: JsonRecord | undefined, context: RowContext): Patch[] {
  const out: Patch[] = [];
  for (const entry of asArray(metadata?.['files'])) {
    const file = asString(field(entry, 'file'));
    const patch = asString(field(entry, 'patch'));
    if (file === undefined || patch === undefined) continue;
    const path = repoRelativePath(context.repoRoot, file, context.cwd);
    const hunks = patch.slice(Math.max(0, patch.search(/^@@/m)));
    if (path === null || !hunks.startsWith('@@')) continue;
    const op = OPS[asString(field(entry, 'status')) ?? ''] ?? 'modify';
    const header = `--- ${op === 'add' ? '/dev/null' : `a/${path}`}\n+++ ${op === 'delete' ? '/dev/null' : `b/${path}`}\n`;
    out.push({ path, diff: header + hunks, origin: 'reported', op });
  }
  return out;
}
