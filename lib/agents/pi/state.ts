// What an incremental parse carries from one call to the next, as plain JSON in the checkpoint.
// Only line 1 (the header) names the session and its cwd, so they travel here; so do the
// current model (`model_change`) and the tool calls still waiting for their result.

import { asString, compact, isRecord } from '../../model/json.js';
import type { ToolStep } from '../../model/step.js';
import { validateStep } from '../../model/validate.js';
import type { CheckpointContentMap } from '../types.js';

export const PI_STATE_VERSION = 1 as const;

export interface PiState {
  readonly v: typeof PI_STATE_VERSION;
  /** Set once a first line was read: from the header, or from the file name when there is none. */
  readonly sessionId?: string;
  readonly cwd?: string;
  readonly parentSessionId?: string;
  readonly title?: string;
  /** The model in use for messages that do not name one (header `modelId`, `model_change`). */
  readonly model?: string;
  /** Steps of tool calls still waiting for their result, by call id. */
  readonly pending: Readonly<Record<string, ToolStep>>;
}

export const EMPTY_STATE: PiState = { v: PI_STATE_VERSION, pending: {} };

/** Read back a state the importer stored; anything unusable starts over from an empty state. */
export function restoreState(value: unknown): PiState {
  if (!isRecord(value) || value['v'] !== PI_STATE_VERSION) return EMPTY_STATE;
  const pending: Record<string, ToolStep> = {};
  if (isRecord(value['pending'])) {
    for (const [callId, stored] of Object.entries(value['pending'])) {
      const step = validateStep(stored);
      if (step.ok && step.value.kind === 'tool') pending[callId] = step.value;
    }
  }
  const optional = (key: string): string | undefined => asString(value[key]);
  return {
    v: PI_STATE_VERSION,
    sessionId: optional('sessionId'),
    cwd: optional('cwd'),
    parentSessionId: optional('parentSessionId'),
    title: optional('title'),
    model: optional('model'),
    pending,
  };
}

/** The state with its content mapped (see AgentAdapter.mapCheckpointContent). */
export function mapStateContent(value: unknown, map: CheckpointContentMap): unknown {
  if (!isRecord(value) || value['v'] !== PI_STATE_VERSION) return undefined;
  const state = restoreState(value);
  const pending: Record<string, ToolStep> = {};
  for (const [callId, step] of Object.entries(state.pending)) pending[callId] = map.step(step);
  return compact({ ...state, title: state.title === undefined ? undefined : map.text(state.title), pending });
}
