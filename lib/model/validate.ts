// Validation on read: outside JSON becomes a typed Step or SessionMeta, or a reason why not.
// Used for decrypted records and for the normalized steps JSONL form alike.

import { asArray, asNumber, compact, isRecord, type JsonRecord } from './json.js';
import { isAgentName, isValidSessionId, SESSION_VERSION, type SessionInfo, type SessionMeta } from './session.js';
import {
  STEP_KINDS,
  STEP_VERSION,
  type Patch,
  type Sidechain,
  type Step,
  type StepKind,
  type ToolCall,
  type ToolStatus,
  type Usage,
} from './step.js';

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Validated<T> => ({ ok: true, value });
const fail = <T>(error: string): Validated<T> => ({ ok: false, error });

class Invalid extends Error {}

function need(rec: JsonRecord, key: string): string {
  const value = rec[key];
  if (typeof value !== 'string') throw new Invalid(`'${key}' must be a string`);
  return value;
}

function maybeString(rec: JsonRecord, key: string): string | undefined {
  const value = rec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Invalid(`'${key}' must be a string`);
  return value;
}

function maybeNumber(rec: JsonRecord, key: string): number | undefined {
  const value = rec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Invalid(`'${key}' must be a number`);
  return value;
}

function timestampOf(rec: JsonRecord): string | null {
  const value = rec['timestamp'];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new Invalid(`'timestamp' must be an ISO date`);
  return value;
}

function usageOf(value: unknown): Usage | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new Invalid(`'usage' must be an object`);
  const count = (key: string): number => {
    const n = value[key] ?? 0;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new Invalid(`'usage.${key}' must be a count`);
    return n;
  };
  return compact({
    inputTokens: count('inputTokens'),
    outputTokens: count('outputTokens'),
    cacheReadTokens: count('cacheReadTokens'),
    cacheWriteTokens: count('cacheWriteTokens'),
    cacheWrite1hTokens: value['cacheWrite1hTokens'] === undefined ? undefined : count('cacheWrite1hTokens'),
    reasoningTokens: value['reasoningTokens'] === undefined ? undefined : count('reasoningTokens'),
  });
}

function countsOf(value: unknown, key: string): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
    throw new Invalid(`'${key}' must map kinds to counts`);
  }
  return Object.keys(value).length === 0 ? undefined : (value as Record<string, number>);
}

function patchOf(value: unknown): Patch {
  if (!isRecord(value)) throw new Invalid(`a patch must be an object`);
  const origin = value['origin'] ?? 'reported';
  if (origin !== 'reported' && origin !== 'observed') throw new Invalid(`'patch.origin' must be reported or observed`);
  const op = value['op'];
  if (op !== undefined && op !== 'add' && op !== 'modify' && op !== 'delete' && op !== 'rename') {
    throw new Invalid(`'patch.op' is not one of add, modify, delete, rename`);
  }
  const path = need(value, 'path');
  if (path.startsWith('/') || path.split('/').includes('..')) throw new Invalid(`'patch.path' must be repository-relative`);
  return compact({
    path,
    diff: need(value, 'diff'),
    origin,
    op,
    oldPath: maybeString(value, 'oldPath'),
    mismatch: value['mismatch'] === true ? true : undefined,
  });
}

function sidechainOf(value: unknown): Sidechain | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new Invalid(`'sidechain' must be an object`);
  return compact({ agentId: need(value, 'agentId'), parentCallId: maybeString(value, 'parentCallId') });
}

const TOOL_STATUSES: readonly ToolStatus[] = ['ok', 'error', 'interrupted', 'pending'];

function toolOf(value: unknown): ToolCall {
  if (!isRecord(value)) throw new Invalid(`'tool' must be an object`);
  const status = value['status'] ?? (value['output'] === undefined ? 'pending' : 'ok');
  if (!TOOL_STATUSES.includes(status as ToolStatus)) throw new Invalid(`'tool.status' is not one of ${TOOL_STATUSES.join(', ')}`);
  const reads = value['reads'];
  if (reads !== undefined && !(Array.isArray(reads) && reads.every((r) => typeof r === 'string'))) {
    throw new Invalid(`'tool.reads' must be a list of paths`);
  }
  const snapshot = value['snapshot'];
  if (snapshot !== undefined && snapshot !== 'complete' && snapshot !== 'cut-short') throw new Invalid(`'tool.snapshot' must be complete or cut-short`);
  return compact({
    name: need(value, 'name'),
    callId: maybeString(value, 'callId'),
    input: value['input'] ?? null,
    output: maybeString(value, 'output'),
    exitCode: maybeNumber(value, 'exitCode'),
    status: status as ToolStatus,
    reads: reads as readonly string[] | undefined,
    snapshot: snapshot as 'complete' | 'cut-short' | undefined,
    truncated: truncatedOf(value['truncated']),
  });
}

function truncatedOf(value: unknown): { bytes: number } | undefined {
  if (value === undefined || value === null) return undefined;
  const bytes = isRecord(value) ? value['bytes'] : undefined;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw new Invalid(`'tool.truncated.bytes' must be a count of bytes`);
  return { bytes };
}

function stepOf(rec: JsonRecord): Step {
  const version = rec['v'] ?? STEP_VERSION;
  if (version !== STEP_VERSION) throw new Invalid(`unsupported step version ${JSON.stringify(version)}`);
  const kind = rec['kind'];
  if (typeof kind !== 'string' || !(STEP_KINDS as readonly string[]).includes(kind)) {
    throw new Invalid(`unknown step kind ${JSON.stringify(kind)}`);
  }
  const id = need(rec, 'id');
  if (id === '') throw new Invalid(`'id' must not be empty`);
  const patches = rec['patches'] === undefined ? undefined : asArray(rec['patches']).map(patchOf);
  if (rec['patches'] !== undefined && !Array.isArray(rec['patches'])) throw new Invalid(`'patches' must be a list`);
  const base = {
    v: STEP_VERSION,
    id,
    timestamp: timestampOf(rec),
    model: maybeString(rec, 'model'),
    usage: usageOf(rec['usage']),
    usageKey: maybeString(rec, 'usageKey'),
    costUSD: maybeNumber(rec, 'costUSD'),
    sourceId: maybeString(rec, 'sourceId'),
    sidechain: sidechainOf(rec['sidechain']),
    patches: patches !== undefined && patches.length > 0 ? patches : undefined,
    redacted: countsOf(rec['redacted'], 'redacted'),
  };
  switch (kind as StepKind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      return compact({ ...base, kind: kind as 'prompt' | 'message' | 'reasoning', text: need(rec, 'text') });
    case 'tool':
      return compact({ ...base, kind: 'tool', tool: toolOf(rec['tool']) });
    case 'compaction': {
      const trigger = rec['trigger'];
      if (trigger !== undefined && trigger !== 'auto' && trigger !== 'manual') throw new Invalid(`'trigger' must be auto or manual`);
      return compact({
        ...base,
        kind: 'compaction',
        text: maybeString(rec, 'text'),
        trigger: trigger as 'auto' | 'manual' | undefined,
        tokensBefore: maybeNumber(rec, 'tokensBefore'),
      });
    }
    case 'subagent':
      return compact({
        ...base,
        kind: 'subagent',
        agentId: need(rec, 'agentId'),
        text: maybeString(rec, 'text'),
        parentCallId: maybeString(rec, 'parentCallId'),
      });
  }
}

/** Validate one step. Unknown fields are ignored (readers of a newer writer's records). */
export function validateStep(value: unknown): Validated<Step> {
  if (!isRecord(value)) return fail('a step must be a JSON object');
  try {
    return ok(stepOf(value));
  } catch (error) {
    if (error instanceof Invalid) return fail(error.message);
    throw error;
  }
}

function sessionInfoOf(rec: JsonRecord): SessionInfo {
  const id = need(rec, 'id');
  if (!isValidSessionId(id)) throw new Invalid(`session id '${id}' may hold only letters, digits, '.', '_' and '-'`);
  const agent = rec['agent'];
  if (!isAgentName(agent)) throw new Invalid(`unknown agent ${JSON.stringify(agent)}`);
  const dateOrNull = (key: string): string | null => {
    const value = rec[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new Invalid(`'${key}' must be an ISO date`);
    return value;
  };
  return compact({
    id,
    agent,
    title: maybeString(rec, 'title'),
    startedAt: dateOrNull('startedAt'),
    endedAt: dateOrNull('endedAt'),
    cwd: maybeString(rec, 'cwd'),
    gitBranch: maybeString(rec, 'gitBranch'),
    baseCommit: maybeString(rec, 'baseCommit'),
    baseInferred: baseInferredOf(rec['baseInferred']),
    agentVersion: maybeString(rec, 'agentVersion'),
    parentSessionId: maybeString(rec, 'parentSessionId'),
    redactions: countsOf(rec['redactions'], 'redactions'),
  });
}

/** Validate what a caller says about a session (the `session` lines of a steps file). */
export function validateSessionInfo(value: unknown): Validated<SessionInfo> {
  if (!isRecord(value)) return fail('a session must be a JSON object');
  try {
    return ok(sessionInfoOf(value));
  } catch (error) {
    if (error instanceof Invalid) return fail(error.message);
    throw error;
  }
}

/** Validate stored session metadata. */
export function validateSessionMeta(value: unknown): Validated<SessionMeta> {
  if (!isRecord(value)) return fail('session metadata must be a JSON object');
  const version = value['v'];
  if (version !== SESSION_VERSION) return fail(`unsupported session metadata version ${JSON.stringify(version)}`);
  const info = validateSessionInfo(value);
  return info.ok ? ok({ ...info.value, v: SESSION_VERSION }) : info;
}

/** A count, when present and sane; used by adapters reading usage fields. */
export function countOf(value: unknown): number {
  const n = asNumber(value);
  return n !== undefined && n >= 0 ? n : 0;
}


function baseInferredOf(value: unknown): 'reflog' | 'commit-date' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'reflog' || value === 'commit-date') return value;
  throw new Invalid("'baseInferred' must be 'reflog' or 'commit-date'");
}
