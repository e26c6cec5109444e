// Token usage of Claude Code's assistant records.
//
// Claude Code writes one record per content block of a response, and every record repeats the
// response's usage as it stood when the block was written (often only the `message_start`
// counts). The response is identified by (`message.id`, `requestId`): steps carry that as
// `usageKey` and the cost code keeps the maximum per field per key.

import { asNumber, field, isRecord } from '../../model/json.js';
import { countOf } from '../../model/validate.js';
import type { Usage } from '../../model/step.js';

/** Map `message.usage` to Usage, or undefined when the record has none. */
export function usageOf(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const usage: Usage = {
    inputTokens: countOf(value['input_tokens']),
    outputTokens: countOf(value['output_tokens']),
    cacheReadTokens: countOf(value['cache_read_input_tokens']),
    cacheWriteTokens: countOf(value['cache_creation_input_tokens']),
  };
  const oneHour = asNumber(field(value, 'cache_creation', 'ephemeral_1h_input_tokens'));
  return oneHour === undefined ? usage : { ...usage, cacheWrite1hTokens: countOf(oneHour) };
}

/** The key that groups the records of one model response. */
export function usageKeyOf(messageId: string | undefined, requestId: string | undefined): string | undefined {
  if (messageId === undefined) return undefined;
  return requestId === undefined ? messageId : `${messageId}:${requestId}`;
}

/** The larger count per field: how two records of one response combine. */
export function maxUsage(a: Usage, b: Usage): Usage {
  const usage: Usage = {
    inputTokens: Math.max(a.inputTokens, b.inputTokens),
    outputTokens: Math.max(a.outputTokens, b.outputTokens),
    cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens),
    cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens),
  };
  if (a.cacheWrite1hTokens === undefined && b.cacheWrite1hTokens === undefined) return usage;
  return { ...usage, cacheWrite1hTokens: Math.max(a.cacheWrite1hTokens ?? 0, b.cacheWrite1hTokens ?? 0) };
}
