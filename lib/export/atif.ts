// `export --format atif`: a session as an ATIF trajectory (Harbor RFC 0001, written as
// ATIF-v1.7: v1.8 only adds audio, which no session has, and older readers reject its enum value).
//
// One ATIF step per git-trace step, numbered from 1 in timeline order: a prompt is a `user`
// step; a message, a reasoning and a tool call are `agent` steps (the tool's result in the same
// step's observation, paired by call id); a compaction is a `system` step marked as context
// management that replaces the history; a subagent's answer is a `system` step. A response's
// token usage sits on its first step (ATIF `prompt_tokens` counts cache reads and writes,
// `cached_tokens` the reads). What ATIF has no field for (patches, exit codes, sidechains) goes
// in `extra["git-trace"]`. Every text passes the egress.

import { addedLines, removedLines } from '../model/patch.js';
import type { IndexedStep, Usage } from '../model/step.js';
import type { StoredSession } from '../store/session-store.js';
import type { ExportEgress } from './egress.js';
import { usageOnce } from './usage.js';

export const ATIF_SCHEMA_VERSION = 'ATIF-v1.7';

type Json = Record<string, unknown>;

export function atifTrajectory(session: StoredSession, egress: ExportEgress): Json {
  const meta = session.meta.session;
  const usage = usageOnce(session.steps);
  const steps = session.steps.map((step, i) => atifStep(step, i + 1, usage.get(step.index), egress));
  const totals = { prompt: 0, completion: 0, cached: 0, cost: 0, hasCost: false };
  for (const [index, u] of usage) {
    totals.prompt += promptTokens(u);
    totals.completion += u.outputTokens;
    totals.cached += u.cacheReadTokens;
    const cost = session.steps.find((s) => s.index === index)?.costUSD;
    if (cost !== undefined) {
      totals.cost += cost;
      totals.hasCost = true;
    }
  }
  const model = mostUsedModel(session.steps);
  return {
    schema_version: ATIF_SCHEMA_VERSION,
    session_id: meta.id,
    trajectory_id: meta.id,
    agent: { name: meta.agent, version: meta.agentVersion ?? 'unknown', ...(model === null ? {} : { model_name: model }) },
    steps,
    final_metrics: {
      total_prompt_tokens: totals.prompt,
      total_completion_tokens: totals.completion,
      total_cached_tokens: totals.cached,
      ...(totals.hasCost ? { total_cost_usd: totals.cost } : {}),
      total_steps: steps.length,
    },
    extra: {
      'git-trace': {
        title: egress.maybe(meta.title),
        startedAt: meta.startedAt,
        endedAt: meta.endedAt,
        gitBranch: egress.maybe(meta.gitBranch),
        baseCommit: meta.baseCommit ?? null,
        parentSessionId: meta.parentSessionId ?? null,
        egress: { secrets: egress.secrets, scrubbed: egress.scrubbed },
      },
    },
  };
}

function atifStep(step: IndexedStep, stepId: number, usage: Usage | undefined, egress: ExportEgress): Json {
  const extra: Json = { index: step.index, id: step.id, kind: step.kind, ...(step.sidechain === undefined ? {} : { sidechain: { agentId: step.sidechain.agentId } }) };
  if (step.patches !== undefined && step.patches.length > 0) {
    extra['patches'] = step.patches.map((p) => ({ path: egress.text(p.path), origin: p.origin, op: p.op ?? null, added: addedLines(p.diff).length, removed: removedLines(p.diff).length }));
  }
  const base: Json = { step_id: stepId, ...(step.timestamp === null ? {} : { timestamp: step.timestamp }) };
  const agent = (fields: Json): Json => ({
    ...base,
    source: 'agent',
    ...fields,
    ...(step.model === undefined ? {} : { model_name: step.model }),
    ...(usage === undefined ? {} : { metrics: metrics(usage, step.costUSD) }),
    extra: { 'git-trace': extra },
  });
  switch (step.kind) {
    case 'prompt':
      return { ...base, source: 'user', message: egress.text(step.text), extra: { 'git-trace': extra } };
    case 'message':
      return agent({ message: egress.text(step.text) });
    case 'reasoning':
      return agent({ message: '', reasoning_content: egress.text(step.text) });
    case 'tool': {
      const tool = step.tool;
      const callId = tool.callId ?? `${step.id}`;
      const input = egress.value(tool.input);
      const args = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : { input };
      extra['tool'] = { status: tool.status, exitCode: tool.exitCode ?? null, truncatedBytes: tool.truncated?.bytes ?? null };
      return agent({
        message: '',
        tool_calls: [{ tool_call_id: callId, function_name: tool.name, arguments: args }],
        observation: { results: [{ source_call_id: callId, content: egress.maybe(tool.output) }] },
      });
    }
    case 'compaction':
      return {
        ...base,
        source: 'system',
        message: 'Context compaction performed',
        ...(step.text === undefined ? {} : { observation: { results: [{ content: egress.text(step.text) }] } }),
        extra: { context_management: { type: 'compaction', boundary: 'replace' }, 'git-trace': { ...extra, trigger: step.trigger ?? null, tokensBefore: step.tokensBefore ?? null } },
      };
    case 'subagent':
      return { ...base, source: 'system', message: egress.text(step.text ?? ''), extra: { 'git-trace': { ...extra, agentId: step.agentId, parentCallId: step.parentCallId ?? null } } };
  }
}

function promptTokens(u: Usage): number {
  return u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

function metrics(u: Usage, cost: number | undefined): Json {
  return {
    prompt_tokens: promptTokens(u),
    completion_tokens: u.outputTokens,
    cached_tokens: u.cacheReadTokens,
    ...(cost === undefined ? {} : { cost_usd: cost }),
    extra: { cache_creation_input_tokens: u.cacheWriteTokens, ...(u.reasoningTokens === undefined ? {} : { reasoning_tokens: u.reasoningTokens }) },
  };
}

function mostUsedModel(steps: readonly IndexedStep[]): string | null {
  const counts = new Map<string, number>();
  for (const s of steps) if (s.model !== undefined) counts.set(s.model, (counts.get(s.model) ?? 0) + 1);
  let best: string | null = null;
  for (const [model, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = model;
  return best;
}
