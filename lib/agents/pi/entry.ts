// One line of a pi session file, narrowed once from `unknown` into a closed union.
//
// Rules: a line whose required fields have the wrong type becomes `bad` (warned, counted); a line
// of a kind we do not map becomes `other` with the key it is counted under in `stats.skipped`;
// optional fields of the wrong type are dropped and noted in `issues`, the rest is kept.

import { asBoolean, asNumber, asString, field, isRecord, type JsonRecord } from '../../model/json.js';
import type { Usage } from '../../model/step.js';
import { countOf } from '../../model/validate.js';

export interface PiHeader {
  readonly id?: string;
  readonly timestamp: string | null;
  readonly cwd?: string;
  /** v1 only: the model the session started with. */
  readonly modelId?: string;
  /** v3 `parentSession`, v1 `branchedFrom`: usually a path to the parent's file. */
  readonly parent?: string;
}

/** What every entry carries; `id`/`parentId` exist from v2 on. */
export interface EntryBase {
  readonly id?: string;
  readonly parentId?: string;
  readonly timestamp: string | null;
}

export type AssistantBlock =
  | { readonly kind: 'text'; readonly index: number; readonly text: string }
  | { readonly kind: 'thinking'; readonly index: number; readonly text: string }
  | { readonly kind: 'tool-call'; readonly index: number; readonly callId?: string; readonly name: string; readonly input: unknown }
  | { readonly kind: 'skip'; readonly index: number; readonly skipKey: string };

export interface AssistantMessage {
  readonly blocks: readonly AssistantBlock[];
  readonly blockCount: number;
  readonly model?: string;
  readonly usage?: Usage;
  readonly costUSD?: number;
  readonly stopReason?: string;
}

export interface ToolResult {
  readonly callId: string;
  readonly toolName?: string;
  readonly output: string;
  readonly images: number;
  readonly isError: boolean;
  readonly details: unknown;
}

export interface BashExecution {
  readonly command: string;
  readonly output: string;
  readonly exitCode?: number;
  readonly cancelled: boolean;
}

export type PiEntry =
  | { readonly kind: 'header'; readonly header: PiHeader }
  | { readonly kind: 'user'; readonly base: EntryBase; readonly text: string; readonly images: number }
  | { readonly kind: 'assistant'; readonly base: EntryBase; readonly message: AssistantMessage }
  | { readonly kind: 'tool-result'; readonly base: EntryBase; readonly result: ToolResult }
  | { readonly kind: 'bash-execution'; readonly base: EntryBase; readonly bash: BashExecution }
  | { readonly kind: 'compaction'; readonly base: EntryBase; readonly summary?: string; readonly tokensBefore?: number }
  | { readonly kind: 'branch-summary'; readonly base: EntryBase; readonly summary?: string }
  | { readonly kind: 'model-change'; readonly base: EntryBase; readonly modelId?: string }
  | { readonly kind: 'session-info'; readonly base: EntryBase; readonly name?: string }
  | { readonly kind: 'other'; readonly base: EntryBase; readonly skipKey: string }
  | { readonly kind: 'bad'; readonly reason: string };

/**
 * Narrow one parsed line. `issues` collects problems with optional fields (the line is still
 * used); a `bad` result means the line could not be used at all.
 */
export function narrowEntry(value: unknown, issues: string[]): PiEntry {
  if (!isRecord(value)) return { kind: 'bad', reason: 'not a JSON object' };
  const type = value['type'];
  if (typeof type !== 'string') return { kind: 'bad', reason: `'type' must be a string` };
  if (type === 'session') return { kind: 'header', header: headerOf(value) };
  const base = baseOf(value, issues);
  switch (type) {
    case 'message':
      return messageEntry(value['message'], base, issues);
    case 'compaction':
      return { kind: 'compaction', base, summary: optionalString(value, 'summary', issues), tokensBefore: optionalNumber(value, 'tokensBefore', issues) };
    case 'branch_summary':
      return { kind: 'branch-summary', base, summary: optionalString(value, 'summary', issues) };
    case 'model_change':
      return { kind: 'model-change', base, modelId: optionalString(value, 'modelId', issues) };
    case 'session_info':
      return { kind: 'session-info', base, name: optionalString(value, 'name', issues) };
    default:
      // thinking_level_change, label, custom, custom_message and kinds newer than this adapter.
      return { kind: 'other', base, skipKey: type };
  }
}

function headerOf(rec: JsonRecord): PiHeader {
  return {
    id: asString(rec['id']),
    timestamp: isoTimestamp(rec['timestamp']),
    cwd: asString(rec['cwd']),
    modelId: asString(rec['modelId']),
    parent: asString(rec['parentSession']) ?? asString(rec['branchedFrom']),
  };
}

function baseOf(rec: JsonRecord, issues: string[]): EntryBase {
  const own = isoTimestamp(rec['timestamp']);
  if (rec['timestamp'] !== undefined && own === null) issues.push(`'timestamp' is not an ISO date`);
  const timestamp = own ?? epochTimestamp(field(rec['message'], 'timestamp'));
  return { id: optionalString(rec, 'id', issues), parentId: asString(rec['parentId']), timestamp };
}

function messageEntry(message: unknown, base: EntryBase, issues: string[]): PiEntry {
  if (!isRecord(message)) return { kind: 'bad', reason: `'message' must be an object` };
  const role = message['role'];
  if (typeof role !== 'string') return { kind: 'bad', reason: `'message.role' must be a string` };
  switch (role) {
    case 'user':
      return userEntry(message, base);
    case 'assistant':
      return assistantEntry(message, base, issues);
    case 'toolResult':
      return toolResultEntry(message, base, issues);
    case 'bashExecution':
      return bashEntry(message, base, issues);
    default:
      // `custom`/`hookMessage` (extension messages) and the in-memory `branchSummary` /
      // `compactionSummary` roles: their content reaches the step model through other entries.
      return { kind: 'other', base, skipKey: `message/${role}` };
  }
}

function userEntry(message: JsonRecord, base: EntryBase): PiEntry {
  const content = contentText(message['content']);
  if (content === undefined) return { kind: 'bad', reason: `'message.content' must be a string or a list of blocks` };
  return { kind: 'user', base, text: content.text, images: content.images };
}

function assistantEntry(message: JsonRecord, base: EntryBase, issues: string[]): PiEntry {
  const content = message['content'];
  if (!Array.isArray(content)) return { kind: 'bad', reason: `'message.content' must be a list of blocks` };
  const blocks = content.map((block: unknown, index) => assistantBlock(block, index));
  const usage = usageOf(message['usage'], issues);
  return {
    kind: 'assistant',
    base,
    message: {
      blocks,
      blockCount: content.length,
      model: optionalString(message, 'model', issues),
      usage: usage?.usage,
      costUSD: usage?.costUSD,
      stopReason: asString(message['stopReason']),
    },
  };
}

function assistantBlock(block: unknown, index: number): AssistantBlock {
  if (!isRecord(block)) return { kind: 'skip', index, skipKey: 'block/not-an-object' };
  const type = asString(block['type']) ?? 'untyped';
  switch (type) {
    case 'text': {
      const text = asString(block['text']);
      return text === undefined ? { kind: 'skip', index, skipKey: 'block/text-without-text' } : { kind: 'text', index, text };
    }
    case 'thinking': {
      const text = asString(block['thinking']);
      return text === undefined ? { kind: 'skip', index, skipKey: 'block/thinking-without-text' } : { kind: 'thinking', index, text };
    }
    case 'toolCall': {
      const name = asString(block['name']);
      if (name === undefined) return { kind: 'skip', index, skipKey: 'block/toolCall-without-name' };
      return { kind: 'tool-call', index, callId: asString(block['id']), name, input: block['arguments'] ?? null };
    }
    default:
      return { kind: 'skip', index, skipKey: `block/${type}` };
  }
}

function toolResultEntry(message: JsonRecord, base: EntryBase, issues: string[]): PiEntry {
  const callId = asString(message['toolCallId']);
  if (callId === undefined) return { kind: 'bad', reason: `'message.toolCallId' must be a string` };
  const content = contentText(message['content']);
  if (content === undefined) issues.push(`'message.content' of a tool result is not text`);
  const isError = asBoolean(message['isError']);
  if (message['isError'] !== undefined && isError === undefined) issues.push(`'message.isError' must be a boolean`);
  return {
    kind: 'tool-result',
    base,
    result: {
      callId,
      toolName: asString(message['toolName']),
      output: content?.text ?? '',
      images: content?.images ?? 0,
      isError: isError ?? false,
      details: message['details'],
    },
  };
}

function bashEntry(message: JsonRecord, base: EntryBase, issues: string[]): PiEntry {
  const command = asString(message['command']);
  if (command === undefined) return { kind: 'bad', reason: `'message.command' must be a string` };
  return {
    kind: 'bash-execution',
    base,
    bash: {
      command,
      output: optionalString(message, 'output', issues) ?? '',
      exitCode: optionalNumber(message, 'exitCode', issues),
      cancelled: asBoolean(message['cancelled']) ?? false,
    },
  };
}

/** Text of a `content` that is a string or a list of `text`/`image` blocks; images are counted, not kept. */
function contentText(content: unknown): { text: string; images: number } | undefined {
  if (typeof content === 'string') return { text: content, images: 0 };
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  let images = 0;
  for (const block of content as readonly unknown[]) {
    const text = asString(field(block, 'text'));
    if (field(block, 'type') === 'text' && text !== undefined) texts.push(text);
    else if (field(block, 'type') === 'image') images += 1;
  }
  return { text: texts.join('\n'), images };
}

function usageOf(value: unknown, issues: string[]): { usage: Usage; costUSD?: number } | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.push(`'message.usage' must be an object`);
    return undefined;
  }
  const usage: Usage = {
    inputTokens: countOf(value['input']),
    outputTokens: countOf(value['output']),
    cacheReadTokens: countOf(value['cacheRead']),
    cacheWriteTokens: countOf(value['cacheWrite']),
  };
  const total = field(value, 'cost', 'total');
  const costUSD = typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined;
  if (total !== undefined && costUSD === undefined) issues.push(`'message.usage.cost.total' must be a number`);
  return costUSD === undefined ? { usage } : { usage, costUSD };
}

function optionalString(rec: JsonRecord, key: string, issues: string[]): string | undefined {
  const value = rec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  issues.push(`'${key}' must be a string`);
  return undefined;
}

function optionalNumber(rec: JsonRecord, key: string, issues: string[]): number | undefined {
  const value = rec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  issues.push(`'${key}' must be a number`);
  return undefined;
}

function isoTimestamp(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

/** pi also stores epoch milliseconds inside `message.timestamp`: the fallback when the entry's own is missing. */
function epochTimestamp(value: unknown): string | null {
  const ms = asNumber(value);
  if (ms === undefined) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
