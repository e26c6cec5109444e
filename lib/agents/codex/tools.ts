// Tool calls: one step per call, from the `*_call` item, completed by its `*_output` (paired by
// `call_id`) and refined by the events Codex writes around it:
//   exec_command_end   the exit code (preferred over the one parsed from the output) and the
//                      files read; it may come before the output or, for a process that was
//                      still running when the output was written, after it
//   patch_apply_end    the applied per-file changes, which become the step's patches
//   mcp_tool_call_end  whether an MCP call failed
// A call without its output yet is emitted `pending` and kept open; when the output arrives
// (maybe in a later parse) the step is emitted again with the same id. An event whose call was
// never seen (a user shell command, a call before the resume point) becomes a step of its own.

import { isAbsolute, resolve } from 'node:path';
import { asArray, asString, compact, isRecord, tryParseJson, type JsonRecord } from '../../model/json.js';
import { repoRelativePath } from '../../model/patch.js';
import { STEP_VERSION, type Patch, type ToolCall, type ToolStatus, type ToolStep } from '../../model/step.js';
import { extractPatchText, patchesFromChanges, patchesFromGrammar } from './apply-patch.js';
import type { Handler, Handling } from './handling.js';
import { needString, optionalNumber, optionalString, type CodexRecord } from './records.js';
import type { OpenCall } from './state.js';
import { upsertSubagent } from './subagents.js';
import { readMcpResult, readToolOutput, type ToolOutput } from './tool-output.js';

/** `arguments` is a JSON string; keep the raw string when it is not JSON. */
function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  const parsed = tryParseJson(value);
  return parsed === undefined ? value : parsed;
}

/** MCP tools come as `namespace: "mcp__server__app"`, `name: "_tool"`: the model saw them joined. */
function qualifiedName(namespace: string | undefined, name: string): string {
  if (namespace === undefined || namespace === '') return name;
  return name.startsWith('_') || namespace.endsWith('_') ? `${namespace}${name}` : `${namespace}__${name}`;
}

function toolStep(h: Handling, record: CodexRecord, id: string, tool: ToolCall): ToolStep {
  return compact({ v: STEP_VERSION, id, kind: 'tool', timestamp: record.timestamp, model: h.t.model, tool: compact(tool) });
}

interface CallStart {
  readonly callId: string;
  readonly name: string;
  readonly input: unknown;
}

function startCall(h: Handling, record: CodexRecord, line: number, start: CallStart): void {
  const t = h.t;
  // Call ids are unique in real rollouts; a reused one (curated files) or an empty one gets a line id instead.
  const id = start.callId === '' || t.isKnown(start.callId) ? t.lineId(line) : start.callId;
  t.add(toolStep(h, record, id, { name: start.name, callId: start.callId, input: start.input, status: 'pending' }));
  const patch = extractPatchText(start.name, start.input);
  const cwd = patch?.workdir ?? t.cwd;
  t.openCall(compact<OpenCall>({ callId: start.callId, stepId: id, awaiting: 'output', patchText: patch?.text, patchCwd: cwd }));
}

export const handleFunctionCall: Handler = (h, record, line) => {
  const kind = 'response_item/function_call';
  const p = record.payload;
  const name = qualifiedName(optionalString(p, 'namespace', kind), needString(p, 'name', kind));
  startCall(h, record, line, { callId: needString(p, 'call_id', kind), name, input: parseArguments(p['arguments']) });
  return true;
};

export const handleCustomToolCall: Handler = (h, record, line) => {
  const kind = 'response_item/custom_tool_call';
  const p = record.payload;
  const input = p['input'];
  // Freeform input: apply_patch text, or JSON for tools that take it (kept raw when it is not).
  const parsed = typeof input === 'string' && /^\s*[[{]/.test(input) ? parseArguments(input) : input ?? null;
  startCall(h, record, line, { callId: needString(p, 'call_id', kind), name: needString(p, 'name', kind), input: parsed });
  return true;
};

/** `local_shell_call`, `tool_search_call`: calls with a call_id whose input is a field of their own. */
export function handleOtherCall(name: string, inputKey: string): Handler {
  return (h, record, line) => {
    const p = record.payload;
    const callId = optionalString(p, 'call_id', `response_item/${record.payloadType ?? ''}`);
    const input = p[inputKey] ?? null;
    if (callId !== undefined) {
      startCall(h, record, line, { callId, name, input });
      return true;
    }
    h.t.add(toolStep(h, record, h.t.lineId(line), { name, input, status: statusOfItem(p) }));
    return true;
  };
}

/** A hosted call that is complete in one item (`web_search_call`, `image_generation_call`). */
function statusOfItem(p: JsonRecord): ToolStatus {
  const status = asString(p['status']);
  return status === 'failed' || status === 'incomplete' ? 'error' : 'ok';
}

export const handleWebSearchCall: Handler = (h, record, line) => {
  const p = record.payload;
  const t = h.t;
  const action = p['action'] ?? null;
  const ownId = optionalString(p, 'call_id', 'response_item/web_search_call');
  // web_search_end (with the call id) usually comes just before the item (which has none).
  const end = t.webSearch !== undefined && JSON.stringify(t.webSearch.action) === JSON.stringify(action) ? t.webSearch : undefined;
  if (end !== undefined) t.webSearch = undefined;
  const callId = ownId ?? end?.callId;
  t.add(toolStep(h, record, t.lineId(line), compact({ name: 'web_search', callId, input: action, output: end?.output, status: statusOfItem(p) })));
  if (callId !== undefined) t.markDone(callId);
  return true;
};

export const handleWebSearchEnd: Handler = (h, record) => {
  const callId = needString(record.payload, 'call_id', 'event_msg/web_search_end');
  if (h.t.isDone(callId)) return false;
  const output = searchResultsText(record.payload['results']);
  const action = record.payload['action'] ?? null;
  h.t.webSearch = output === undefined ? { callId, action } : { callId, action, output };
  return true;
};

/** Newer versions list the results (`{title, url, snippet}`): one line each. */
function searchResultsText(results: unknown): string | undefined {
  const lines: string[] = [];
  for (const item of asArray(results)) {
    if (!isRecord(item)) continue;
    const parts = [asString(item['title']), asString(item['url'])].filter((x): x is string => x !== undefined && x !== '');
    if (parts.length > 0) lines.push(parts.join(' '));
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

export const handleImageGenerationCall: Handler = (h, record, line) => {
  const p = record.payload;
  const input = compact({ prompt: asString(p['revised_prompt']) });
  h.t.add(toolStep(h, record, h.t.lineId(line), { name: 'image_generation', input, status: statusOfItem(p) }));
  return true;
};

/**
 * Tools that start a process: when their output says it still runs, its exec_command_end (the
 * exit code) comes later. `write_stdin` polls such a process; its own call gets no exit event.
 */
const EXEC_TOOLS: ReadonlySet<string> = new Set(['exec_command', 'shell', 'shell_command', 'local_shell', 'container.exec', 'unified_exec']);

function isApplied(text: string): boolean {
  return /^(Success\. Updated the following files|Done!)/.test(text.trimStart());
}

/** The tool names a tool_search_output found: its result, as text. */
function toolSearchText(tools: unknown): string {
  const names: string[] = [];
  const walk = (value: unknown): void => {
    for (const item of asArray(value)) {
      if (!isRecord(item)) continue;
      const name = asString(item['name']);
      if (name !== undefined) names.push(name);
      walk(item['tools']);
    }
  };
  walk(tools);
  return names.join('\n');
}

export const handleCallOutput: Handler = (h, record) => {
  const p = record.payload;
  const callId = needString(p, 'call_id', `response_item/${record.payloadType ?? ''}`);
  const t = h.t;
  const call = t.findOpen(callId);
  if (call === undefined || call.awaiting !== 'output') return false;
  const step = t.get(call.stepId);
  if (step === undefined || step.kind !== 'tool') {
    t.closeCall(callId);
    return false;
  }
  const read: ToolOutput = record.payloadType === 'tool_search_output' ? { text: toolSearchText(p['tools']), running: false } : readToolOutput(p['output']);
  const exitCode = step.tool.exitCode ?? read.exitCode;
  let failed = call.failed === true || read.success === false || (exitCode !== undefined && exitCode !== 0);
  let patches: readonly Patch[] | undefined = step.patches;
  if (!call.applied && call.patchText !== undefined) {
    if (exitCode === 0 || (exitCode === undefined && isApplied(read.text))) {
      const result = patchesFromGrammar(call.patchText, { repoRoot: h.repoRoot, cwd: call.patchCwd });
      if (result.outside > 0) h.count('edit/outside-repository', result.outside);
      patches = result.patches;
    } else {
      failed = true;
    }
  }
  const status: ToolStatus = read.text.trim() === 'aborted' ? 'interrupted' : failed ? 'error' : 'ok';
  const done = compact({ ...step, tool: compact({ ...step.tool, output: read.text, exitCode, status }), patches: patches?.length ? patches : undefined });
  t.change(done);
  if (step.tool.name === 'spawn_agent') spawnedFromOutput(h, record, done);
  if (read.running && exitCode === undefined && EXEC_TOOLS.has(step.tool.name)) t.openCall({ ...call, awaiting: 'exit' });
  else t.closeCall(callId);
  return true;
};

function spawnedFromOutput(h: Handling, record: CodexRecord, step: ToolStep): void {
  const result = tryParseJson(step.tool.output ?? '');
  const agentId = isRecord(result) ? asString(result['agent_id']) ?? asString(result['thread_id']) : undefined;
  const callId = step.tool.callId;
  if (agentId === undefined || callId === undefined) return;
  const input = step.tool.input;
  const text = isRecord(input) ? asString(input['message']) : undefined;
  upsertSubagent(h, { id: `${callId}:subagent`, agentId, parentCallId: callId, text, timestamp: record.timestamp });
}

/** Files an exec read, from `parsed_cmd[{type: read, path}]`: repository-relative when inside. */
function readsOf(h: Handling, parsed: unknown, cwd: string | undefined): string[] | undefined {
  const reads: string[] = [];
  for (const item of asArray(parsed)) {
    if (!isRecord(item) || item['type'] !== 'read') continue;
    const path = asString(item['path']);
    if (path === undefined || path === '') continue;
    const inside = repoRelativePath(h.repoRoot, path, cwd);
    const read = inside ?? (isAbsolute(path) || cwd === undefined ? path : resolve(cwd, path));
    if (!reads.includes(read)) reads.push(read);
  }
  return reads.length > 0 ? reads : undefined;
}

export const handleExecEnd: Handler = (h, record, line) => {
  const kind = 'event_msg/exec_command_end';
  const p = record.payload;
  const callId = needString(p, 'call_id', kind);
  const exitCode = optionalNumber(p, 'exit_code', kind);
  const cwd = optionalString(p, 'cwd', kind) ?? h.t.cwd;
  const reads = readsOf(h, p['parsed_cmd'], cwd);
  const failed = exitCode !== undefined ? exitCode !== 0 : p['status'] === 'failed' || p['status'] === 'declined';
  const t = h.t;
  const call = t.findOpen(callId);
  const step = call === undefined ? undefined : t.get(call.stepId);
  if (call !== undefined && step !== undefined && step.kind === 'tool') {
    const tool = compact({ ...step.tool, exitCode, reads: reads ?? step.tool.reads });
    if (call.awaiting === 'output') {
      t.stash({ ...step, tool });
      if (failed) t.openCall({ ...call, failed: true });
      return true;
    }
    t.change({ ...step, tool: { ...tool, status: failed ? 'error' : tool.status } });
    t.closeCall(callId);
    return true;
  }
  if (t.isDone(callId)) return false;
  const output = asString(p['aggregated_output']) ?? asString(p['formatted_output']) ?? `${asString(p['stdout']) ?? ''}${asString(p['stderr']) ?? ''}`;
  const input = compact({ command: p['command'] ?? null, cwd });
  t.add(toolStep(h, record, callIdOrLine(h, callId, line), { name: 'exec_command', callId, input, output, exitCode, status: failed ? 'error' : 'ok', reads }));
  t.markDone(callId);
  return true;
};

function callIdOrLine(h: Handling, callId: string, line: number): string {
  return h.t.isKnown(callId) ? h.t.lineId(line) : callId;
}

export const handlePatchApplyEnd: Handler = (h, record, line) => {
  const kind = 'event_msg/patch_apply_end';
  const p = record.payload;
  const callId = needString(p, 'call_id', kind);
  const success = p['success'] !== false;
  const t = h.t;
  const call = t.findOpen(callId);
  const step = call === undefined ? undefined : t.get(call.stepId);
  if (call !== undefined && call.awaiting === 'output' && step !== undefined && step.kind === 'tool') {
    const patches = success ? appliedPatches(h, p['changes']) : [];
    t.stash(compact({ ...step, patches: patches.length > 0 ? patches : undefined }));
    t.openCall({ ...call, applied: true, ...(success ? {} : { failed: true }) });
    return true;
  }
  if (t.isDone(callId)) return false;
  const patches = success ? appliedPatches(h, p['changes']) : [];
  const changes = p['changes'];
  const output = `${asString(p['stdout']) ?? ''}${asString(p['stderr']) ?? ''}`;
  const input = { files: isRecord(changes) ? Object.keys(changes) : [] };
  const tool: ToolCall = { name: 'apply_patch', callId, input, output, status: success ? 'ok' : 'error' };
  const standalone = toolStep(h, record, callIdOrLine(h, callId, line), tool);
  t.add(patches.length > 0 ? { ...standalone, patches } : standalone);
  t.markDone(callId);
  return true;
};

function appliedPatches(h: Handling, changes: unknown): readonly Patch[] {
  const result = patchesFromChanges(changes, { repoRoot: h.repoRoot, cwd: h.t.cwd });
  if (result.outside > 0) h.count('edit/outside-repository', result.outside);
  return result.patches;
}

export const handleMcpEnd: Handler = (h, record, line) => {
  const kind = 'event_msg/mcp_tool_call_end';
  const p = record.payload;
  const callId = needString(p, 'call_id', kind);
  const result = readMcpResult(p['result']);
  const t = h.t;
  const call = t.findOpen(callId);
  if (call !== undefined && call.awaiting === 'output') {
    if (result.failed) t.openCall({ ...call, failed: true });
    return true;
  }
  if (t.isDone(callId)) return false;
  const invocation = isRecord(p['invocation']) ? p['invocation'] : {};
  const name = `mcp__${asString(invocation['server']) ?? 'unknown'}__${asString(invocation['tool']) ?? 'unknown'}`;
  const tool: ToolCall = { name, callId, input: invocation['arguments'] ?? null, output: result.text, status: result.failed ? 'error' : 'ok' };
  t.add(toolStep(h, record, callIdOrLine(h, callId, line), tool));
  t.markDone(callId);
  return true;
};

/**
 * The turn was interrupted: calls still waiting for their output are marked so. They stay open
 * until the next prompt, because Codex may still write their (`aborted`) outputs after the event.
 */
export const handleTurnAborted: Handler = (h) => {
  const t = h.t;
  for (const call of t.openCalls()) {
    if (call.awaiting !== 'output') continue;
    const step = t.get(call.stepId);
    if (step !== undefined && step.kind === 'tool') t.change({ ...step, tool: { ...step.tool, status: 'interrupted' } });
  }
  return true;
};

/** A new prompt: calls interrupted in an earlier turn will not get an output any more. */
export function closeInterrupted(h: Handling): void {
  const t = h.t;
  for (const call of t.openCalls()) {
    const step = t.get(call.stepId);
    if (call.awaiting === 'output' && step?.kind === 'tool' && step.tool.status === 'interrupted') t.closeCall(call.callId);
  }
}
