// The edge: one line of a Claude Code transcript, narrowed once into a typed record.
//
// Rules: a line that is not an object, or a conversation record without the fields it needs
// (uuid, message, content), is `bad`. A malformed block inside an otherwise good record is dropped
// and reported as an issue, the rest of the record is kept. Record kinds the timeline does not use
// become `skipped` with the key they are counted under (`type` or `type/subtype`).

import { asArray, asNumber, asString, field, isRecord, type JsonRecord } from '../../model/json.js';
import type { Usage } from '../../model/step.js';
import { usageKeyOf, usageOf } from './usage.js';

/** Envelope fields every record may carry; used for the session's metadata and time span. */
export interface RecordMeta {
  readonly uuid?: string;
  readonly timestamp: string | null;
  readonly sessionId?: string;
  readonly cwd?: string;
  readonly gitBranch?: string;
  readonly version?: string;
}

export interface SidechainRef {
  readonly agentId: string;
  /** The parent's Task/Agent call, when the record says (2.1.x `agent_progress`). */
  readonly parentCallId?: string;
}

export interface Envelope {
  readonly uuid: string;
  readonly timestamp: string | null;
  readonly cwd?: string;
  /** Set on records written by a subagent. */
  readonly sidechain?: SidechainRef;
}

export type Block =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly text: string }
  | { readonly type: 'image' }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown }
  | { readonly type: 'tool_result'; readonly callId: string; readonly output: string; readonly isError: boolean }
  | { readonly type: 'other'; readonly name: string };

export interface UserRecord {
  readonly kind: 'user';
  readonly env: Envelope;
  readonly content: string | readonly Block[];
  /** Structured tool output; only meaningful when the record holds one `tool_result`. */
  readonly toolUseResult: unknown;
  /** Injected or display-only text: never a typed prompt. */
  readonly isMeta: boolean;
  readonly isCompactSummary: boolean;
}

export interface AssistantRecord {
  readonly kind: 'assistant';
  readonly env: Envelope;
  readonly blocks: readonly Block[];
  /** Absent for `<synthetic>` records (written locally, not a model call). */
  readonly model?: string;
  readonly usage?: Usage;
  readonly usageKey?: string;
}

export interface CompactionRecord {
  readonly kind: 'compaction';
  readonly env: Envelope;
  readonly micro: boolean;
  readonly trigger?: 'auto' | 'manual';
  readonly tokensBefore?: number;
}

export interface AgentProgressRecord {
  readonly kind: 'agent-progress';
  readonly agentId: string;
  readonly prompt?: string;
  readonly parentCallId?: string;
  readonly timestamp: string | null;
  /** The subagent's own user or assistant message, mirrored into the parent's file. */
  readonly message: UserRecord | AssistantRecord;
}

export interface SummaryRecord {
  readonly kind: 'summary';
  readonly summary: string;
  readonly leafUuid: string;
}

export interface SkippedRecord {
  readonly kind: 'skipped';
  readonly key: string;
  /** False for kinds this adapter has never seen: worth one warning. */
  readonly known: boolean;
}

export interface BadRecord {
  readonly kind: 'bad';
  readonly reason: string;
}

export type ClaudeRecord = UserRecord | AssistantRecord | CompactionRecord | AgentProgressRecord | SummaryRecord | SkippedRecord | BadRecord;

export interface Parsed {
  readonly record: ClaudeRecord;
  readonly meta: RecordMeta;
  /** Problems that did not make the whole record unusable. */
  readonly issues: readonly string[];
}

const KNOWN_SKIPPED = new Set([
  'file-history-snapshot',
  'queue-operation',
  'pr-link',
  'custom-title',
  'progress/hook_progress',
  'progress/bash_progress',
  'progress/mcp_progress',
  'progress/query_update',
  'progress/search_results_received',
  'progress/waiting_for_task',
  'system/stop_hook_summary',
  'system/turn_duration',
  'system/local_command',
  'system/api_error',
  'system/informational',
]);

export function parseRecord(value: unknown): Parsed {
  const issues: string[] = [];
  if (!isRecord(value)) return { record: { kind: 'bad', reason: 'not a JSON object' }, meta: { timestamp: null }, issues };
  const meta = metaOf(value);
  return { record: recordOf(value, meta, issues), meta, issues };
}

function recordOf(rec: JsonRecord, meta: RecordMeta, issues: string[]): ClaudeRecord {
  const type = asString(rec['type']);
  if (type === undefined) return { kind: 'bad', reason: `'type' must be a string` };
  switch (type) {
    case 'user':
    case 'assistant':
      return messageOf(rec, envelopeOf(rec, meta.timestamp, sidechainOf(rec), meta.cwd), issues);
    case 'system':
      return systemOf(rec, meta);
    case 'progress':
      return progressOf(rec, meta, issues);
    case 'summary': {
      const summary = asString(rec['summary']);
      const leafUuid = asString(rec['leafUuid']);
      if (summary === undefined || leafUuid === undefined) return { kind: 'bad', reason: `summary without 'summary' or 'leafUuid'` };
      return { kind: 'summary', summary, leafUuid };
    }
    default:
      return skipped(type);
  }
}

function skipped(key: string): SkippedRecord {
  return { kind: 'skipped', key, known: KNOWN_SKIPPED.has(key) };
}

function metaOf(rec: JsonRecord): RecordMeta {
  return {
    uuid: asString(rec['uuid']),
    timestamp: isoOrNull(rec['timestamp']),
    sessionId: asString(rec['sessionId']),
    cwd: asString(rec['cwd']),
    gitBranch: asString(rec['gitBranch']),
    version: asString(rec['version']),
  };
}

function isoOrNull(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function sidechainOf(rec: JsonRecord): SidechainRef | undefined {
  const agentId = asString(rec['agentId']);
  if (rec['isSidechain'] !== true && agentId === undefined) return undefined;
  // Sidechain records without an agent id predate per-agent files; group them under one name.
  return { agentId: agentId ?? 'sidechain' };
}

/** The envelope of a conversation record, or why it has none. */
function envelopeOf(rec: JsonRecord, timestamp: string | null, sidechain: SidechainRef | undefined, cwd: string | undefined): Envelope | BadRecord {
  const uuid = asString(rec['uuid']);
  if (uuid === undefined || uuid === '') return { kind: 'bad', reason: `'uuid' must be a string` };
  const env: Envelope = { uuid, timestamp };
  return { ...env, ...(cwd === undefined ? {} : { cwd }), ...(sidechain === undefined ? {} : { sidechain }) };
}

function messageOf(rec: JsonRecord, env: Envelope | BadRecord, issues: string[]): UserRecord | AssistantRecord | BadRecord {
  if ('kind' in env) return env;
  const message = rec['message'];
  if (!isRecord(message)) return { kind: 'bad', reason: `'message' must be an object` };
  const content = message['content'];
  if (typeof content !== 'string' && !Array.isArray(content)) return { kind: 'bad', reason: `'message.content' must be a string or a list` };
  if (rec['type'] === 'user') {
    return {
      kind: 'user',
      env,
      content: typeof content === 'string' ? content : blocksOf(content, issues),
      toolUseResult: rec['toolUseResult'],
      isMeta: rec['isMeta'] === true || rec['isVisibleInTranscriptOnly'] === true,
      isCompactSummary: rec['isCompactSummary'] === true,
    };
  }
  const blocks: readonly Block[] = typeof content === 'string' ? [{ type: 'text', text: content }] : blocksOf(content, issues);
  const model = asString(message['model']);
  if (model === '<synthetic>') return { kind: 'assistant', env, blocks };
  const usage = usageOf(message['usage']);
  const usageKey = usage === undefined ? undefined : usageKeyOf(asString(message['id']), asString(rec['requestId'])) ?? env.uuid;
  return {
    kind: 'assistant',
    env,
    blocks,
    ...(model === undefined ? {} : { model }),
    ...(usage === undefined ? {} : { usage, usageKey }),
  };
}

function blocksOf(content: readonly unknown[], issues: string[]): Block[] {
  const blocks: Block[] = [];
  content.forEach((value, index) => {
    const block = blockOf(value);
    if (typeof block === 'string') issues.push(`content block ${index}: ${block}`);
    else blocks.push(block);
  });
  return blocks;
}

function blockOf(value: unknown): Block | string {
  if (!isRecord(value)) return 'not an object';
  const type = asString(value['type']);
  switch (type) {
    case 'text': {
      const text = asString(value['text']);
      return text === undefined ? `'text' must be a string` : { type, text };
    }
    case 'thinking': {
      const text = asString(value['thinking']);
      return text === undefined ? `'thinking' must be a string` : { type, text };
    }
    case 'image':
      return { type };
    case 'tool_use': {
      const id = asString(value['id']);
      const name = asString(value['name']);
      if (id === undefined || id === '' || name === undefined) return `tool_use without 'id' or 'name'`;
      return { type, id, name, input: value['input'] ?? null };
    }
    case 'tool_result': {
      const callId = asString(value['tool_use_id']);
      if (callId === undefined || callId === '') return `tool_result without 'tool_use_id'`;
      return { type, callId, output: resultText(value['content']), isError: value['is_error'] === true };
    }
    case undefined:
      return `'type' must be a string`;
    default:
      return { type: 'other', name: type };
  }
}

/** A tool result's content as text: a string, or its text blocks joined (images as a marker). */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts: string[] = [];
  for (const block of asArray(content)) {
    const type = field(block, 'type');
    const text = asString(field(block, 'text'));
    if (type === 'text' && text !== undefined) parts.push(text);
    else if (type === 'image') parts.push('[image]');
  }
  return parts.join('\n');
}

function systemOf(rec: JsonRecord, meta: RecordMeta): CompactionRecord | SkippedRecord | BadRecord {
  const subtype = asString(rec['subtype']);
  if (subtype !== 'compact_boundary' && subtype !== 'microcompact_boundary') return skipped(subtype === undefined ? 'system' : `system/${subtype}`);
  const env = envelopeOf(rec, meta.timestamp, sidechainOf(rec), meta.cwd);
  if ('kind' in env) return env;
  const micro = subtype === 'microcompact_boundary';
  const metadata = rec[micro ? 'microcompactMetadata' : 'compactMetadata'];
  const trigger = field(metadata, 'trigger');
  const tokensBefore = asNumber(field(metadata, 'preTokens'));
  return {
    kind: 'compaction',
    env,
    micro,
    ...(trigger === 'auto' || trigger === 'manual' ? { trigger } : {}),
    ...(tokensBefore === undefined || tokensBefore < 0 ? {} : { tokensBefore }),
  };
}

function progressOf(rec: JsonRecord, meta: RecordMeta, issues: string[]): AgentProgressRecord | SkippedRecord | BadRecord {
  const data = rec['data'];
  const dataType = asString(field(data, 'type'));
  if (dataType !== 'agent_progress') return skipped(dataType === undefined ? 'progress' : `progress/${dataType}`);
  const agentId = asString(field(data, 'agentId'));
  const inner = field(data, 'message');
  if (agentId === undefined || agentId === '' || !isRecord(inner)) return { kind: 'bad', reason: `agent_progress without 'agentId' or 'message'` };
  // Only the subagent's conversation is mirrored so far; anything else is counted, not guessed at.
  if (inner['type'] !== 'user' && inner['type'] !== 'assistant') return skipped(`progress/agent_progress/${String(inner['type'])}`);
  const parentCallId = asString(rec['parentToolUseID']);
  const sidechain: SidechainRef = parentCallId === undefined ? { agentId } : { agentId, parentCallId };
  const innerTimestamp = isoOrNull(inner['timestamp']) ?? meta.timestamp;
  // The mirrored message has no envelope of its own beyond uuid and timestamp: the outer record's cwd applies.
  const message = messageOf(inner, envelopeOf(inner, innerTimestamp, sidechain, meta.cwd), issues);
  if (message.kind === 'bad') return { kind: 'bad', reason: `agent_progress message: ${message.reason}` };
  const prompt = asString(field(data, 'prompt'));
  return {
    kind: 'agent-progress',
    agentId,
    timestamp: meta.timestamp,
    message,
    ...(prompt === undefined ? {} : { prompt }),
    ...(parentCallId === undefined ? {} : { parentCallId }),
  };
}
