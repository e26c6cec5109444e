// A model response's usage is counted once: the steps that share a `usageKey` (one response
// split into text, reasoning and tool calls) carry it on the first of them, the largest value
// per field, as `git trace cost` counts it.

import type { IndexedStep, Usage } from '../model/step.js';

/** Per step index, the usage to report there: on the first step of each response, else none. */
export function usageOnce(steps: readonly IndexedStep[]): Map<number, Usage> {
  const first = new Map<string, number>();
  const out = new Map<number, Usage>();
  for (const step of steps) {
    if (step.usage === undefined) continue;
    const key = step.usageKey;
    const at = key === undefined ? undefined : first.get(key);
    if (at === undefined) {
      out.set(step.index, step.usage);
      if (key !== undefined) first.set(key, step.index);
      continue;
    }
    const seen = out.get(at);
    if (seen !== undefined) out.set(at, maxUsage(seen, step.usage));
  }
  return out;
}

function maxUsage(a: Usage, b: Usage): Usage {
  const reasoning = a.reasoningTokens === undefined ? b.reasoningTokens : b.reasoningTokens === undefined ? a.reasoningTokens : Math.max(a.reasoningTokens, b.reasoningTokens);
  return {
    inputTokens: Math.max(a.inputTokens, b.inputTokens),
    outputTokens: Math.max(a.outputTokens, b.outputTokens),
    cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens),
    cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens),
    ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }),
  };
}
