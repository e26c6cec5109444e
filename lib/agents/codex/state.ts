// What a Codex parse carries to the next one, as plain JSON in `Checkpoint.state`.
//
// Only what a later line can still change is kept: tool calls waiting for their output (or for
// the exit code of a process that was still running), the step the next token_count will be
// charged to, an open compaction, spawned subagents, a user message that may still get its
// `event_msg/user_message` twin, the cumulative token total, and ctx bookkeeping. Everything
// else is already final in the steps emitted. The state is read back as `unknown`: anything
// malformed is dropped piece by piece (a lost piece costs accuracy, never the parse).

import type { CheckpointContentMap, ContextItem } from '../types.js';
import { asArray, asBoolean, asNumber, asString, isRecord, type JsonRecord } from '../../model/json.js';
import type { Step } from '../../model/step.js';
import { validateStep } from '../../model/validate.js';
import type { TokenTotals } from './usage.js';

export const STATE_VERSION = 1 as const;

export interface OpenCall {
  readonly callId: string;
  readonly stepId: string;
  /** `output`: no `*_output` yet. `exit`: output came while the process still ran; waiting for its exit code. */
  readonly awaiting: 'output' | 'exit';
  /** apply_patch text, to derive patches from when no patch_apply_end arrives. */
  readonly patchText?: string;
  readonly patchCwd?: string;
  /** An event (mcp_tool_call_end, exec_command_end) already said the call failed. */
  readonly failed?: boolean;
  /** patch_apply_end arrived: the step's patches are the applied ones. */
  readonly applied?: boolean;
}

export interface PromptCandidate {
  readonly line: number;
  readonly timestamp: string | null;
  readonly text: string;
}

export interface WebSearchEnd {
  readonly callId: string;
  readonly action: unknown;
  /** The results, as text, when the version writes them. */
  readonly output?: string;
}

export type CompactionSource = 'compacted' | 'event' | 'both';

export interface CodexState {
  readonly v: typeof STATE_VERSION;
  readonly sessionId?: string;
  readonly cwd?: string;
  readonly model?: string;
  readonly totals?: TokenTotals;
  /** Steps that may still change (referenced below), as emitted. */
  readonly steps: readonly Step[];
  readonly open: readonly OpenCall[];
  /** Call ids already complete (bounded), so late events for them are not taken for new calls. */
  readonly done: readonly string[];
  readonly targetId?: string;
  /** The last compaction step, while its other half (`compacted` / `context_compacted`) may follow. */
  readonly compaction?: { readonly id: string; readonly from: CompactionSource };
  /** Whether the first session_meta was read (later ones belong to forked-in history). */
  readonly meta: boolean;
  readonly spawns: readonly string[];
  readonly prompt?: PromptCandidate;
  readonly promptEventOpen: boolean;
  readonly webSearch?: WebSearchEnd;
  /** Hashes of ctx texts already emitted. */
  readonly contextSeen: readonly string[];
  /** ctx items waiting for the step they apply from. */
  readonly contextPending: readonly ContextItem[];
  /** Whether any step was emitted yet in this session. */
  readonly started: boolean;
}

export function emptyState(): CodexState {
  return { v: STATE_VERSION, meta: false, steps: [], open: [], done: [], spawns: [], promptEventOpen: false, contextSeen: [], contextPending: [], started: false };
}

function strings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

function openCallOf(value: unknown): OpenCall | undefined {
  if (!isRecord(value)) return undefined;
  const callId = asString(value['callId']);
  const stepId = asString(value['stepId']);
  const awaiting = value['awaiting'];
  if (callId === undefined || stepId === undefined || (awaiting !== 'output' && awaiting !== 'exit')) return undefined;
  const call: { -readonly [K in keyof OpenCall]: OpenCall[K] } = { callId, stepId, awaiting };
  const patchText = asString(value['patchText']);
  const patchCwd = asString(value['patchCwd']);
  if (patchText !== undefined) call.patchText = patchText;
  if (patchCwd !== undefined) call.patchCwd = patchCwd;
  if (value['failed'] === true) call.failed = true;
  if (value['applied'] === true) call.applied = true;
  return call;
}

function totalsOf(value: unknown): TokenTotals | undefined {
  if (!isRecord(value)) return undefined;
  const input = asNumber(value['input']);
  const cached = asNumber(value['cached']);
  const output = asNumber(value['output']);
  const reasoning = asNumber(value['reasoning']);
  if (input === undefined || cached === undefined || output === undefined || reasoning === undefined) return undefined;
  return { input, cached, output, reasoning };
}

function contextItemOf(value: unknown): ContextItem | undefined {
  if (!isRecord(value)) return undefined;
  const kind = value['kind'];
  const text = asString(value['text']);
  if ((kind !== 'system-prompt' && kind !== 'tool-definitions' && kind !== 'instructions') || text === undefined) return undefined;
  return { kind, text };
}

function promptOf(value: unknown): PromptCandidate | undefined {
  if (!isRecord(value)) return undefined;
  const line = asNumber(value['line']);
  const text = asString(value['text']);
  if (line === undefined || text === undefined) return undefined;
  return { line, text, timestamp: asString(value['timestamp']) ?? null };
}

function compactionOf(value: unknown): CodexState['compaction'] {
  if (!isRecord(value)) return undefined;
  const id = asString(value['id']);
  const from = value['from'];
  return id !== undefined && (from === 'compacted' || from === 'event' || from === 'both') ? { id, from } : undefined;
}

function webSearchOf(value: unknown): WebSearchEnd | undefined {
  if (!isRecord(value)) return undefined;
  const callId = asString(value['callId']);
  if (callId === undefined) return undefined;
  const output = asString(value['output']);
  return output === undefined ? { callId, action: value['action'] ?? null } : { callId, action: value['action'] ?? null, output };
}

function withOptional(base: CodexState, rec: JsonRecord): CodexState {
  const state: { -readonly [K in keyof CodexState]: CodexState[K] } = { ...base };
  const sessionId = asString(rec['sessionId']);
  const cwd = asString(rec['cwd']);
  const model = asString(rec['model']);
  const targetId = asString(rec['targetId']);
  const totals = totalsOf(rec['totals']);
  const compaction = compactionOf(rec['compaction']);
  const prompt = promptOf(rec['prompt']);
  const webSearch = webSearchOf(rec['webSearch']);
  if (sessionId !== undefined) state.sessionId = sessionId;
  if (cwd !== undefined) state.cwd = cwd;
  if (model !== undefined) state.model = model;
  if (targetId !== undefined) state.targetId = targetId;
  if (totals !== undefined) state.totals = totals;
  if (compaction !== undefined) state.compaction = compaction;
  if (prompt !== undefined) state.prompt = prompt;
  if (webSearch !== undefined) state.webSearch = webSearch;
  return state;
}

/** Read a state handed back by the importer; a missing or foreign state gives a fresh one. */
export function readState(value: unknown): CodexState {
  if (!isRecord(value) || value['v'] !== STATE_VERSION) return emptyState();
  const steps: Step[] = [];
  for (const raw of asArray(value['steps'])) {
    const checked = validateStep(raw);
    if (checked.ok) steps.push(checked.value);
  }
  const base: CodexState = {
    v: STATE_VERSION,
    meta: asBoolean(value['meta']) ?? false,
    steps,
    open: asArray(value['open']).map(openCallOf).filter((c): c is OpenCall => c !== undefined),
    done: strings(value['done']),
    spawns: strings(value['spawns']),
    promptEventOpen: asBoolean(value['promptEventOpen']) ?? false,
    contextSeen: strings(value['contextSeen']),
    contextPending: asArray(value['contextPending']).map(contextItemOf).filter((c): c is ContextItem => c !== undefined),
    started: asBoolean(value['started']) ?? false,
  };
  return withOptional(base, value);
}

/** The state with its content mapped (see AgentAdapter.mapCheckpointContent). */
export function mapStateContent(value: unknown, map: CheckpointContentMap): unknown {
  if (!isRecord(value) || value['v'] !== STATE_VERSION) return undefined;
  const state = readState(value);
  const mapped: { -readonly [K in keyof CodexState]: CodexState[K] } = {
    ...state,
    steps: state.steps.map((step) => map.step(step)),
    open: state.open.map((call) => (call.patchText === undefined ? call : { ...call, patchText: map.text(call.patchText) })),
    contextPending: state.contextPending.map((item) => ({ ...item, text: map.text(item.text) })),
  };
  if (state.prompt !== undefined) mapped.prompt = { ...state.prompt, text: map.text(state.prompt.text) };
  if (state.webSearch !== undefined) {
    const { output } = state.webSearch;
    mapped.webSearch = { callId: state.webSearch.callId, action: map.value(state.webSearch.action), ...(output === undefined ? {} : { output: map.text(output) }) };
  }
  return mapped;
}
