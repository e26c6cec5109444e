// Gemini CLI chat records, narrowed once from outside JSON. The same `MessageRecord` shape is
// used by the legacy whole-file `.json` sessions and by the newer `.jsonl` ones (upstream
// `chatRecordingTypes.ts`). Every field is optional-shaped: a record that is missing its `id`
// cannot get a stable step id and is rejected; any other oddity is kept as a note and the
// record is used as far as it goes.

import { asArray, asNumber, asString, isRecord, type JsonRecord } from '../../model/json.js';

export interface GeminiThought {
  readonly subject: string;
  readonly description: string;
  readonly timestamp: string | null;
}

/** `tokens{input, output, cached, thoughts, tool, total}` of one model response. */
export interface GeminiTokens {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
  readonly thoughts: number;
  readonly tool: number;
}

export interface GeminiToolCall {
  readonly id: string | undefined;
  readonly name: string;
  readonly args: unknown;
  /** The result Part list (`[{functionResponse: {response: {output|error}}}]`), raw. */
  readonly result: unknown;
  readonly status: string | undefined;
  readonly timestamp: string | null;
  readonly agentId: string | undefined;
  /** A string, or a FileDiff object for edits, raw. */
  readonly resultDisplay: unknown;
}

export interface GeminiMessage {
  readonly id: string;
  /** `user`, `gemini`, `info`, `error`, `warning`, or a kind this reader does not know. */
  readonly type: string;
  readonly timestamp: string | null;
  readonly content: unknown;
  readonly displayContent: unknown;
  readonly model: string | undefined;
  readonly tokens: GeminiTokens | undefined;
  readonly thoughts: readonly GeminiThought[];
  readonly toolCalls: readonly GeminiToolCall[];
}

export type Narrowed =
  | { readonly ok: true; readonly message: GeminiMessage; readonly notes: readonly string[] }
  | { readonly ok: false; readonly problem: string };

/** A timestamp the step model accepts (an ISO date), or null. */
export function isoOrNull(value: unknown): string | null {
  const text = asString(value);
  return text !== undefined && !Number.isNaN(Date.parse(text)) ? text : null;
}

export function narrowMessage(value: unknown): Narrowed {
  if (!isRecord(value)) return { ok: false, problem: 'a message must be a JSON object' };
  const id = asString(value['id']);
  if (id === undefined || id === '') return { ok: false, problem: "a message without a string 'id'" };
  const notes: string[] = [];
  const type = asString(value['type']) ?? 'unknown';
  const thoughts = listOf(value, 'thoughts', notes).flatMap((t, i) => narrowThought(t, i, notes));
  const toolCalls = listOf(value, 'toolCalls', notes).flatMap((c, i) => narrowToolCall(c, i, notes));
  const model = asString(value['model']);
  if (value['model'] !== undefined && model === undefined) notes.push("'model' is not a string");
  if (value['timestamp'] !== undefined && isoOrNull(value['timestamp']) === null) notes.push("'timestamp' is not an ISO date");
  if (!isPartList(value['content'])) notes.push("'content' is neither text nor a Part list");
  return {
    ok: true,
    message: {
      id,
      type,
      timestamp: isoOrNull(value['timestamp']),
      content: value['content'],
      displayContent: value['displayContent'],
      model,
      tokens: narrowTokens(value['tokens'], notes),
      thoughts,
      toolCalls,
    },
    notes,
  };
}

function listOf(rec: JsonRecord, key: string, notes: string[]): readonly unknown[] {
  const value = rec[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) notes.push(`'${key}' is not a list`);
  return asArray(value);
}

function narrowThought(value: unknown, index: number, notes: string[]): GeminiThought[] {
  if (!isRecord(value)) {
    notes.push(`thought ${index} is not an object`);
    return [];
  }
  return [
    {
      subject: asString(value['subject']) ?? '',
      description: asString(value['description']) ?? '',
      timestamp: isoOrNull(value['timestamp']),
    },
  ];
}

function narrowToolCall(value: unknown, index: number, notes: string[]): GeminiToolCall[] {
  if (!isRecord(value)) {
    notes.push(`tool call ${index} is not an object`);
    return [];
  }
  const name = asString(value['name']);
  if (name === undefined) notes.push(`tool call ${index} has no 'name'`);
  const id = asString(value['id']);
  return [
    {
      id: id === '' ? undefined : id,
      name: name ?? 'unknown',
      args: value['args'] ?? null,
      result: value['result'],
      status: asString(value['status']),
      timestamp: isoOrNull(value['timestamp']),
      agentId: asString(value['agentId']),
      resultDisplay: value['resultDisplay'],
    },
  ];
}

function narrowTokens(value: unknown, notes: string[]): GeminiTokens | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    notes.push("'tokens' is not an object");
    return undefined;
  }
  const count = (key: string): number => {
    const raw = value[key];
    if (raw === undefined || raw === null) return 0;
    const n = asNumber(raw);
    if (n === undefined || n < 0) {
      notes.push(`'tokens.${key}' is not a count`);
      return 0;
    }
    return n;
  };
  return { input: count('input'), output: count('output'), cached: count('cached'), thoughts: count('thoughts'), tool: count('tool') };
}

/**
 * The text of a `PartListUnion`: a string, one Part, or a list of Parts and strings. Thought
 * parts are left out (they are not the reply), so are non-text parts (files, function calls).
 */
export function partsText(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = Array.isArray(value) ? value : isRecord(value) ? [value] : [];
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part) && typeof part['text'] === 'string' && part['thought'] !== true) texts.push(part['text']);
  }
  return texts.join('');
}

function isPartList(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string' || Array.isArray(value) || isRecord(value);
}

/** True when a Part list holds only function responses: tool results, not something the user typed. */
export function isOnlyFunctionResponses(value: unknown): boolean {
  const parts = Array.isArray(value) ? value : isRecord(value) ? [value] : [];
  return parts.length > 0 && parts.every((part) => isRecord(part) && part['functionResponse'] !== undefined);
}
