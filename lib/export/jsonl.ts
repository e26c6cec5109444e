// `export --format jsonl`: one row per step, a flat schema for datasets. Every row has every
// column, in the same order, null when it does not apply, so a reader can take the first row's
// keys as the header. The columns are documented in the README and in
// fixtures/schemas/git-trace/export-step-row.schema.json; adding one is a new `version`.

import { addedLines, removedLines } from '../model/patch.js';
import type { IndexedStep, Usage } from '../model/step.js';
import type { StoredSession } from '../store/session-store.js';
import type { ExportEgress } from './egress.js';
import { usageOnce } from './usage.js';

export const STEP_ROW_VERSION = 1 as const;

export interface StepRow {
  readonly version: typeof STEP_ROW_VERSION;
  readonly session_id: string;
  readonly agent: string;
  readonly agent_version: string | null;
  readonly step_index: number;
  readonly step_id: string;
  readonly kind: IndexedStep['kind'];
  readonly timestamp: string | null;
  readonly model: string | null;
  readonly text: string | null;
  readonly tool_name: string | null;
  readonly tool_call_id: string | null;
  /** The tool's input as JSON text. */
  readonly tool_input: string | null;
  readonly tool_output: string | null;
  readonly tool_status: string | null;
  readonly tool_exit_code: number | null;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly cache_read_tokens: number | null;
  readonly cache_write_tokens: number | null;
  readonly reasoning_tokens: number | null;
  readonly cost_usd: number | null;
  readonly files_changed: readonly string[];
  readonly lines_added: number;
  readonly lines_removed: number;
  readonly sidechain_agent_id: string | null;
}

export function stepRows(session: StoredSession, egress: ExportEgress): StepRow[] {
  const meta = session.meta.session;
  const usage = usageOnce(session.steps);
  return session.steps.map((step): StepRow => {
    const u: Usage | undefined = usage.get(step.index);
    const tool = step.kind === 'tool' ? step.tool : null;
    // Live capture saw what really changed beside what the agent reported: count that, once.
    const all = step.patches ?? [];
    const observed = all.filter((p) => p.origin === 'observed');
    const patches = observed.length > 0 ? observed : all;
    return {
      version: STEP_ROW_VERSION,
      session_id: meta.id,
      agent: meta.agent,
      agent_version: meta.agentVersion ?? null,
      step_index: step.index,
      step_id: step.id,
      kind: step.kind,
      timestamp: step.timestamp,
      model: step.model ?? null,
      text: step.kind === 'tool' ? null : egress.maybe(step.text),
      tool_name: tool?.name ?? null,
      tool_call_id: tool?.callId ?? null,
      tool_input: tool === null ? null : JSON.stringify(egress.value(tool.input) ?? null),
      tool_output: egress.maybe(tool?.output),
      tool_status: tool?.status ?? null,
      tool_exit_code: tool?.exitCode ?? null,
      input_tokens: u?.inputTokens ?? null,
      output_tokens: u?.outputTokens ?? null,
      cache_read_tokens: u?.cacheReadTokens ?? null,
      cache_write_tokens: u?.cacheWriteTokens ?? null,
      reasoning_tokens: u?.reasoningTokens ?? null,
      cost_usd: u === undefined && step.usage !== undefined ? null : (step.costUSD ?? null),
      files_changed: [...new Set(patches.map((p) => egress.text(p.path)))],
      lines_added: patches.reduce((n, p) => n + addedLines(p.diff).length, 0),
      lines_removed: patches.reduce((n, p) => n + removedLines(p.diff).length, 0),
      sidechain_agent_id: step.sidechain?.agentId ?? null,
    };
  });
}
