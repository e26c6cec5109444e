// Parsing one Codex rollout (or what was appended to it since a checkpoint) into steps.
//
// Rules: lines are streamed; a line that is not JSON, or a record of a known kind whose
// essential fields have the wrong type, is reported with its file and line, counted in
// `badLines`, and skipped. Records that contribute nothing (duplicates, UI events, kinds this
// adapter does not map) are counted in `stats.skipped` by `type/payload.type`. Step ids are the
// call id for tool steps and `<session id>:<line>` otherwise, stable because rollouts are only
// ever appended to. The session id is the first session_meta's `id`, or the uuid in the file
// name when a step needed an id before any session_meta came (see Timeline.sid).

import { basename } from 'node:path';
import type { LineWarning } from '../lines.js';
import { eachJsonLine } from '../lines.js';
import type { ParseOptions, ParseResult } from '../types.js';
import { compact } from '../../model/json.js';
import { isValidSessionId } from '../../model/session.js';
import type { Handler, Handling, SessionFacts } from './handling.js';
import { handleCompacted, handleContextCompacted, handleMessage, handleReasoning, handleUserMessage } from './messages.js';
import { handleSessionMeta, handleThreadName, handleTurnContext } from './meta.js';
import { kindOf, narrowRecord, ShapeError, type CodexRecord } from './records.js';
import { readState } from './state.js';
import { handleSpawnEnd } from './subagents.js';
import { Timeline } from './timeline.js';
import {
  handleCallOutput,
  handleCustomToolCall,
  handleExecEnd,
  handleFunctionCall,
  handleImageGenerationCall,
  handleMcpEnd,
  handleOtherCall,
  handlePatchApplyEnd,
  handleTurnAborted,
  handleWebSearchCall,
  handleWebSearchEnd,
} from './tools.js';
import { handleTokenCount } from './usage.js';

/** Every kind this adapter maps; anything else is counted as skipped. */
const HANDLERS: ReadonlyMap<string, Handler> = new Map(Object.entries({
  session_meta: handleSessionMeta,
  turn_context: handleTurnContext,
  compacted: handleCompacted,
  'response_item/message': handleMessage,
  'response_item/reasoning': handleReasoning,
  'response_item/function_call': handleFunctionCall,
  'response_item/custom_tool_call': handleCustomToolCall,
  'response_item/local_shell_call': handleOtherCall('local_shell', 'action'),
  'response_item/tool_search_call': handleOtherCall('tool_search', 'arguments'),
  'response_item/web_search_call': handleWebSearchCall,
  'response_item/image_generation_call': handleImageGenerationCall,
  'response_item/function_call_output': handleCallOutput,
  'response_item/custom_tool_call_output': handleCallOutput,
  'response_item/local_shell_call_output': handleCallOutput,
  'response_item/tool_search_output': handleCallOutput,
  'event_msg/user_message': handleUserMessage,
  'event_msg/token_count': handleTokenCount,
  'event_msg/exec_command_end': handleExecEnd,
  'event_msg/patch_apply_end': handlePatchApplyEnd,
  'event_msg/mcp_tool_call_end': handleMcpEnd,
  'event_msg/web_search_end': handleWebSearchEnd,
  'event_msg/context_compacted': handleContextCompacted,
  'event_msg/turn_aborted': handleTurnAborted,
  'event_msg/thread_name_updated': handleThreadName,
  'event_msg/collab_agent_spawn_end': handleSpawnEnd,
}));

const UUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl?$/i;

/** The session id a rollout's file name tells: its trailing uuid, else the name made safe. */
export function sessionIdFromFileName(file: string): string {
  const name = basename(file);
  const uuid = UUID_AT_END.exec(name)?.[1];
  if (uuid !== undefined) return uuid.toLowerCase();
  const safe = name
    .replace(/\.jsonl?$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/\.+/g, '.')
    .slice(0, 120)
    .replace(/[.]+$/, '');
  return isValidSessionId(safe) ? safe : 'codex-session';
}

interface Tally {
  lines: number;
  badLines: number;
  startedAt: string | null;
  endedAt: string | null;
  /** By kind; a Map, because kinds come from the file (`__proto__` is a kind like any other). */
  readonly skipped: Map<string, number>;
}

function noteTime(tally: Tally, timestamp: string | null): void {
  if (timestamp === null) return;
  const at = Date.parse(timestamp);
  if (tally.startedAt === null || at < Date.parse(tally.startedAt)) tally.startedAt = timestamp;
  if (tally.endedAt === null || at > Date.parse(tally.endedAt)) tally.endedAt = timestamp;
}

export async function parseRollout(file: string, options: ParseOptions): Promise<ParseResult> {
  const t = new Timeline(readState(options.from?.state), sessionIdFromFileName(file));
  const facts: SessionFacts = {};
  const tally: Tally = { lines: 0, badLines: 0, startedAt: null, endedAt: null, skipped: new Map() };
  const count = (kind: string, n = 1): void => {
    tally.skipped.set(kind, (tally.skipped.get(kind) ?? 0) + n);
  };
  const h: Handling = { t, repoRoot: options.repoRoot, facts, count };
  const onBadJson = (warning: LineWarning): void => {
    tally.lines += 1;
    tally.badLines += 1;
    options.warn(warning);
  };
  const next = await eachJsonLine(file, options.from?.from, onBadJson, (item) => {
    tally.lines += 1;
    const problem = handleLine(h, item.value, item.line, tally);
    if (problem !== undefined) {
      tally.badLines += 1;
      options.warn({ file, line: item.line, message: problem });
    }
  });
  // A parse that read no record decides nothing: the next one may still find the session_meta.
  const id = t.sessionId ?? sessionIdFromFileName(file);
  return {
    session: compact({
      id,
      agent: 'codex' as const,
      title: facts.title,
      startedAt: tally.startedAt,
      endedAt: tally.endedAt,
      cwd: facts.cwd,
      gitBranch: facts.gitBranch,
      baseCommit: facts.baseCommit,
      agentVersion: facts.agentVersion,
      parentSessionId: facts.parentSessionId,
    }),
    steps: t.steps(),
    context: t.context,
    checkpoint: { from: next, state: t.toState() },
    stats: { lines: tally.lines, skipped: Object.fromEntries(tally.skipped), badLines: tally.badLines },
  };
}

/** Map one record; returns what was wrong with it, if anything (the rest of the file goes on). */
function handleLine(h: Handling, value: unknown, line: number, tally: Tally): string | undefined {
  let record: CodexRecord;
  try {
    record = narrowRecord(value, line);
  } catch (error) {
    if (error instanceof ShapeError) return error.message;
    throw error;
  }
  noteTime(tally, record.timestamp);
  const kind = kindOf(record);
  const handler = HANDLERS.get(kind);
  try {
    const used = handler !== undefined && handler(h, record, line);
    if (!used) h.count(kind);
  } catch (error) {
    if (error instanceof ShapeError) return error.message;
    throw error;
  }
  return record.badTimestamp ? `'${kind}' timestamp is not an ISO date` : undefined;
}
