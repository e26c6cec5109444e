// Hook payloads, as each agent sends them on standard input, narrowed to one event shape.
// The agents use nearly the same fields (Claude Code's names, which Codex and Gemini copied;
// our Pi extension sends the same), so one parser serves all of them, with each agent's table
// of event names from its facts (lib/agents/<agent>/facts.ts). Loaded on the hook's hot path: nothing heavy is imported here.

import { asString, isRecord, type JsonRecord } from '../model/json.js';
import { capText } from '../model/output-cap.js';
import { factsOf, type AgentName, type HookEventKind } from '../agents/facts.js';
import { isValidSessionId } from '../model/session.js';

export type { HookEventKind } from '../agents/facts.js';

export interface HookEvent {
  readonly agent: AgentName;
  readonly kind: HookEventKind;
  /** The agent's own name for the event (PreToolUse, BeforeTool, tool_call…). */
  readonly name: string;
  readonly sessionId: string;
  readonly cwd: string;
  readonly transcriptPath?: string;
  /** The agent's id for the tool call, when it sends one (Gemini does not). */
  readonly callId?: string;
  readonly toolName?: string;
  readonly toolInput?: unknown;
  /** The tool's result as text, capped (output-cap.ts), for sessions whose transcript cannot be read. */
  readonly toolOutput?: string;
  readonly failed?: boolean;
  readonly prompt?: string;
  readonly timestamp: string;
}

export class PayloadError extends Error {}

/** Narrow a payload; throws PayloadError naming what is missing. */
export function parseHookPayload(agent: AgentName, payload: unknown, now: Date = new Date()): HookEvent {
  if (!isRecord(payload)) throw new PayloadError('the hook payload is not a JSON object');
  const name = asString(payload['hook_event_name']) ?? '';
  const sessionId = asString(payload['session_id']);
  const cwd = asString(payload['cwd']);
  if (sessionId === undefined || sessionId === '') throw new PayloadError(`'${name || 'the event'}' payload has no session_id`);
  // The id becomes a ref name (refs/opentraces/sessions/<id>): one that cannot be is never
  // spooled, so it can never stop a flush of the other sessions.
  if (!isValidSessionId(sessionId)) {
    throw new PayloadError(`'${name || 'the event'}' payload has session_id '${sessionId.slice(0, 200)}', which cannot be a ref name: event ignored`);
  }
  if (cwd === undefined || cwd === '') throw new PayloadError(`'${name || 'the event'}' payload has no cwd`);
  const event: Record<string, unknown> = {
    agent,
    kind: factsOf(agent).hookEvents[name] ?? 'other',
    name,
    sessionId,
    cwd,
    timestamp: now.toISOString(),
    transcriptPath: asString(payload['transcript_path']) ?? asString(payload['session_file']),
    callId: asString(payload['tool_use_id']) ?? asString(payload['tool_call_id']),
    toolName: asString(payload['tool_name']),
    toolInput: payload['tool_input'],
    toolOutput: responseText(payload),
    failed: name === 'PostToolUseFailure' || responseFailed(payload['tool_response']) ? true : undefined,
    prompt: asString(payload['prompt']),
  };
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
  return event as unknown as HookEvent;
}

/** Gemini reports `error`, Pi (through our extension) `isError`. */
function responseFailed(response: unknown): boolean {
  if (!isRecord(response)) return false;
  return (response['error'] !== undefined && response['error'] !== null) || response['isError'] === true;
}

function responseText(payload: JsonRecord): string | undefined {
  const response = payload['tool_response'] ?? payload['error'];
  if (response === undefined || response === null) return undefined;
  // Capped as a transcript's tool output is: enough to read, never megabytes in the spool.
  return capText(typeof response === 'string' ? response : JSON.stringify(response)).text;
}

/**
 * Whether the event may snapshot the work tree: before and after a tool that can change it. The
 * rest (prompts, notifications, tools that only read) write a line or nothing.
 */
export function maySnapshot(event: HookEvent): boolean {
  return (event.kind === 'pre-tool' || event.kind === 'post-tool') && !isReadOnly(event);
}

// Tools that only read (each agent's facts name them): no snapshot around them (a constant
// saving on the commonest calls); a change made meanwhile is absorbed by the next call's walk.
export function isReadOnly(event: HookEvent): boolean {
  return event.toolName !== undefined && factsOf(event.agent).readOnlyTools.includes(event.toolName);
}
