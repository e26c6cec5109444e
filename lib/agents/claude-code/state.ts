// What an incremental parse carries from one call to the next, as plain JSON in the checkpoint.
//
// The importer stores the checkpoint and hands it back; it comes back as `unknown` and is
// narrowed here, once. Anything that does not validate is dropped (a fresh state only loses
// the pairing of results that arrive later; it never crashes the import).

import { asString, compact, field, isRecord } from '../../model/json.js';
import { STEP_VERSION, type CompactionStep, type Step, type SubagentStep, type ToolStep, type Usage } from '../../model/step.js';
import { validateStep } from '../../model/validate.js';
import type { CheckpointContentMap } from '../types.js';

const STATE_VERSION = 1;
/** Titles waiting for their leaf record; a file can open with dozens that point elsewhere. */
const MAX_SUMMARIES = 256;

export interface PendingCall {
  /** The step as emitted while its result is pending. */
  readonly step: ToolStep;
  /** The call's working directory, to resolve the paths its result names. */
  readonly cwd?: string;
}

/** Usage of a response's record that produced no step, merged into the response's next step. */
export interface HeldUsage {
  readonly usageKey: string;
  readonly usage: Usage;
}

export interface ParseState {
  sessionId?: string;
  cwd?: string;
  title?: string;
  /** Tool calls without a result yet, by call id. */
  readonly pending: Map<string, PendingCall>;
  /** The subagent step of each subagent run, by agent id. */
  readonly agents: Map<string, SubagentStep>;
  /** A compaction waiting for the summary record that follows it. */
  compaction?: CompactionStep;
  held?: HeldUsage;
  /** Summary titles by the leaf uuid they name, for leaves not seen yet. */
  readonly summaries: Map<string, string>;
}

export function emptyState(): ParseState {
  return { pending: new Map(), agents: new Map(), summaries: new Map() };
}

export function rememberSummary(state: ParseState, leafUuid: string, title: string): void {
  state.summaries.delete(leafUuid);
  state.summaries.set(leafUuid, title);
  for (const key of state.summaries.keys()) {
    if (state.summaries.size <= MAX_SUMMARIES) break;
    state.summaries.delete(key);
  }
}

export function saveState(state: ParseState): unknown {
  return compact({
    v: STATE_VERSION,
    sessionId: state.sessionId,
    cwd: state.cwd,
    title: state.title,
    pending: Object.fromEntries(state.pending),
    agents: Object.fromEntries(state.agents),
    compaction: state.compaction,
    held: state.held,
    summaries: Object.fromEntries(state.summaries),
  });
}

export function restoreState(value: unknown): ParseState {
  const state = emptyState();
  if (!isRecord(value) || value['v'] !== STATE_VERSION) return state;
  const sessionId = asString(value['sessionId']);
  const cwd = asString(value['cwd']);
  const title = asString(value['title']);
  if (sessionId !== undefined) state.sessionId = sessionId;
  if (cwd !== undefined) state.cwd = cwd;
  if (title !== undefined) state.title = title;
  for (const [id, entry] of entries(value['pending'])) {
    const step = stepOf(field(entry, 'step'));
    const entryCwd = asString(field(entry, 'cwd'));
    if (step?.kind === 'tool') state.pending.set(id, entryCwd === undefined ? { step } : { step, cwd: entryCwd });
  }
  for (const [id, entry] of entries(value['agents'])) {
    const step = stepOf(entry);
    if (step?.kind === 'subagent') state.agents.set(id, step);
  }
  const compaction = stepOf(value['compaction']);
  if (compaction?.kind === 'compaction') state.compaction = compaction;
  const held = heldOf(value['held']);
  if (held !== undefined) state.held = held;
  for (const [leaf, summary] of entries(value['summaries'])) if (typeof summary === 'string') rememberSummary(state, leaf, summary);
  return state;
}

/** The state with its content mapped (see AgentAdapter.mapCheckpointContent). */
export function mapStateContent(value: unknown, map: CheckpointContentMap): unknown {
  if (!isRecord(value) || value['v'] !== STATE_VERSION) return undefined;
  const state = restoreState(value);
  if (state.title !== undefined) state.title = map.text(state.title);
  for (const [id, pending] of state.pending) state.pending.set(id, { ...pending, step: map.step(pending.step) });
  for (const [id, step] of state.agents) state.agents.set(id, map.step(step));
  if (state.compaction !== undefined) state.compaction = map.step(state.compaction);
  for (const [leaf, title] of state.summaries) state.summaries.set(leaf, map.text(title));
  return saveState(state);
}

function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

function stepOf(value: unknown): Step | undefined {
  if (value === undefined) return undefined;
  const result = validateStep(value);
  return result.ok ? result.value : undefined;
}

function heldOf(value: unknown): HeldUsage | undefined {
  const usageKey = asString(field(value, 'usageKey'));
  if (usageKey === undefined) return undefined;
  // Reuse step validation for the usage counts: a message step is the smallest carrier.
  const carrier = validateStep({ v: STEP_VERSION, kind: 'message', id: 'held', timestamp: null, text: '', usage: field(value, 'usage') });
  return carrier.ok && carrier.value.usage !== undefined ? { usageKey, usage: carrier.value.usage } : undefined;
}
