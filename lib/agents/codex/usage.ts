// Token usage from `event_msg/token_count`. `info.total_token_usage` is cumulative for the
// session, `info` is null on rate-limit-only updates, and the same total is often written twice;
// so usage is the change of the cumulative total, and a repeat with no change says nothing.
// `input_tokens` includes `cached_input_tokens`; `output_tokens` includes `reasoning_output_tokens`.

import { isRecord } from '../../model/json.js';
import type { Usage } from '../../model/step.js';
import type { Handler } from './handling.js';
import { ShapeError } from './records.js';

/** A cumulative total, as plain JSON (it is carried in the checkpoint state). */
export interface TokenTotals {
  readonly input: number;
  readonly cached: number;
  readonly output: number;
  readonly reasoning: number;
}

export const ZERO_TOTALS: TokenTotals = { input: 0, cached: 0, output: 0, reasoning: 0 };

/**
 * The cumulative total a token_count carries, undefined when it carries none (`info: null`).
 * Throws ShapeError when `info` is there but the counts are not numbers.
 */
export function readTotals(payload: Readonly<Record<string, unknown>>): TokenTotals | undefined {
  const info = payload['info'];
  if (info === undefined || info === null) return undefined;
  if (!isRecord(info)) throw new ShapeError(`'event_msg/token_count' info must be an object`);
  const total = info['total_token_usage'];
  if (total === undefined || total === null) return undefined;
  if (!isRecord(total)) throw new ShapeError(`'event_msg/token_count' total_token_usage must be an object`);
  const count = (key: string): number => {
    const n = total[key] ?? 0;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new ShapeError(`'event_msg/token_count' total_token_usage.${key} must be a count`);
    return n;
  };
  return { input: count('input_tokens'), cached: count('cached_input_tokens'), output: count('output_tokens'), reasoning: count('reasoning_output_tokens') };
}

/** The uncached part of the input, the way Usage counts input. */
function uncached(t: TokenTotals): number {
  return Math.max(0, t.input - t.cached);
}

/**
 * Usage between two cumulative totals, or null when nothing changed. When any count went down
 * the total was restarted (a new thread in the same file), so the new total counts from zero.
 */
export function usageDelta(previous: TokenTotals | undefined, current: TokenTotals): Usage | null {
  const before = previous ?? ZERO_TOTALS;
  const restarted =
    current.input < before.input || current.cached < before.cached || current.output < before.output ||
    current.reasoning < before.reasoning || uncached(current) < uncached(before);
  const base = restarted ? ZERO_TOTALS : before;
  const usage: Usage = {
    inputTokens: uncached(current) - uncached(base),
    cacheReadTokens: current.cached - base.cached,
    cacheWriteTokens: 0,
    outputTokens: current.output - base.output,
    reasoningTokens: current.reasoning - base.reasoning,
  };
  const changed = usage.inputTokens + usage.cacheReadTokens + usage.outputTokens + (usage.reasoningTokens ?? 0) > 0;
  return changed ? usage : null;
}

/** `event_msg/token_count`: charge the change of the cumulative total to the step it paid for. */
export const handleTokenCount: Handler = (h, record, line) => {
  const totals = readTotals(record.payload);
  if (totals === undefined) return false;
  const t = h.t;
  const usage = usageDelta(t.totals, totals);
  t.totals = totals;
  if (usage === null) return false;
  t.charge(usage, `${t.sid}:tc:${line}`, line, record.timestamp);
  return true;
};
