// `export --format otlp`: a session as OTLP/JSON trace spans (an ExportTraceServiceRequest, the
// body of `POST /v1/traces`) following OpenTelemetry's GenAI semantic conventions (status
// Development): an `invoke_agent` span for the session, a `chat` span per model response and an
// `execute_tool` span per tool call under it, with token usage. A compaction is an event on the
// session span.
//
// OTLP/JSON is the proto3 JSON mapping with OTLP's changes: trace and span ids in hex, enums as
// integers, 64-bit integers as decimal strings. Ids are derived from the session and step ids,
// so the same session gives the same spans. Message and tool content are opt-in in the
// conventions and are left out: only names, ids, models, counts and the paths a step changed,
// through the egress.

import { createHash } from 'node:crypto';
import { addedLines } from '../model/patch.js';
import type { IndexedStep, Usage } from '../model/step.js';
import type { StoredSession } from '../store/session-store.js';
import { VERSION } from '../version.js';
import type { ExportEgress } from './egress.js';
import { usageOnce } from './usage.js';

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean } | { arrayValue: { values: AnyValue[] } };
interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: KeyValue[];
  readonly events: { readonly timeUnixNano: string; readonly name: string; readonly attributes: KeyValue[] }[];
  readonly status: { readonly code: number; readonly message?: string };
}

const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

export function otlpRequest(session: StoredSession, egress: ExportEgress): Record<string, unknown> {
  const meta = session.meta.session;
  const steps = session.steps;
  const traceId = hexId(`trace ${meta.id}`, 32);
  const rootId = hexId(`span ${meta.id}`, 16);
  const times = steps.map((s) => s.timestamp).filter((t): t is string => t !== null);
  const start = nanos(meta.startedAt ?? times[0] ?? null, '0');
  const end = nanos(meta.endedAt ?? times[times.length - 1] ?? null, start);
  const usage = usageOnce(steps);
  const spans: OtlpSpan[] = [];
  const events: OtlpSpan['events'] = [];
  const totals = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const models = new Set<string>();
  for (const step of steps) {
    const at = nanos(step.timestamp, start);
    const u = usage.get(step.index);
    if (u !== undefined) {
      totals.input += inputTokens(u);
      totals.output += u.outputTokens;
      totals.cacheRead += u.cacheReadTokens;
      totals.cacheWrite += u.cacheWriteTokens;
      if (step.model !== undefined) models.add(step.model);
      spans.push(chatSpan(traceId, rootId, meta.id, step, u, at));
    }
    if (step.kind === 'tool') spans.push(toolSpan(traceId, rootId, meta.id, step, at, egress));
    if (step.kind === 'compaction') events.push({ timeUnixNano: at, name: 'git_trace.compaction', attributes: compact([int('git_trace.step.index', step.index), step.tokensBefore === undefined ? null : int('git_trace.compaction.tokens_before', step.tokensBefore)]) });
  }
  const provider = [...models].map(providerOf).find((p) => p !== null) ?? null;
  const root = span({ traceId, spanId: rootId }, `invoke_agent ${meta.agent}`, SPAN_KIND_INTERNAL, [start, end], {
    attributes: compact([
      str('gen_ai.operation.name', 'invoke_agent'),
      str('gen_ai.agent.name', meta.agent),
      meta.agentVersion === undefined ? null : str('gen_ai.agent.version', meta.agentVersion),
      str('gen_ai.conversation.id', meta.id),
      provider === null ? null : str('gen_ai.provider.name', provider),
      ...usageAttributes(totals),
      int('git_trace.step.count', steps.length),
      meta.title === undefined ? null : str('git_trace.session.title', egress.text(meta.title)),
    ]),
    events,
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'git-trace'), str('service.version', VERSION)] },
        scopeSpans: [{ scope: { name: 'git-trace', version: VERSION }, spans: [root, ...spans] }],
      },
    ],
  };
}

function chatSpan(traceId: string, parent: string, session: string, step: IndexedStep, u: Usage, at: string): OtlpSpan {
  const provider = step.model === undefined ? null : providerOf(step.model);
  return span({ traceId, spanId: hexId(`chat ${session} ${step.id}`, 16), parentSpanId: parent }, step.model === undefined ? 'chat' : `chat ${step.model}`, SPAN_KIND_CLIENT, [at, at], {
    attributes: compact([
      str('gen_ai.operation.name', 'chat'),
      provider === null ? null : str('gen_ai.provider.name', provider),
      step.model === undefined ? null : str('gen_ai.request.model', step.model),
      step.model === undefined ? null : str('gen_ai.response.model', step.model),
      str('gen_ai.conversation.id', session),
      ...usageAttributes({ input: inputTokens(u), output: u.outputTokens, cacheRead: u.cacheReadTokens, cacheWrite: u.cacheWriteTokens }),
      u.reasoningTokens === undefined ? null : int('gen_ai.usage.reasoning.output_tokens', u.reasoningTokens),
      step.costUSD === undefined ? null : { key: 'git_trace.cost.usd', value: { doubleValue: step.costUSD } },
      int('git_trace.step.index', step.index),
    ]),
  });
}

function toolSpan(traceId: string, parent: string, session: string, step: IndexedStep & { kind: 'tool' }, at: string, egress: ExportEgress): OtlpSpan {
  const tool = step.tool;
  const failed = tool.status === 'error' || tool.status === 'interrupted';
  const all = step.patches ?? [];
  const observed = all.filter((p) => p.origin === 'observed');
  const patches = observed.length > 0 ? observed : all;
  const files = [...new Set(patches.map((p) => egress.text(p.path)))];
  return span({ traceId, spanId: hexId(`tool ${session} ${step.id}`, 16), parentSpanId: parent }, `execute_tool ${tool.name}`, SPAN_KIND_INTERNAL, [at, at], {
    attributes: compact([
      str('gen_ai.operation.name', 'execute_tool'),
      str('gen_ai.tool.name', tool.name),
      tool.callId === undefined ? null : str('gen_ai.tool.call.id', tool.callId),
      str('gen_ai.tool.type', 'function'),
      str('gen_ai.conversation.id', session),
      tool.exitCode === undefined ? null : int('process.exit.code', tool.exitCode),
      failed ? str('error.type', tool.status) : null,
      int('git_trace.step.index', step.index),
      files.length === 0 ? null : { key: 'git_trace.patch.files', value: { arrayValue: { values: files.map((f) => ({ stringValue: f })) } } },
      files.length === 0 ? null : int('git_trace.patch.lines_added', patches.reduce((n, p) => n + addedLines(p.diff).length, 0)),
    ]),
    ...(failed ? { status: { code: STATUS_ERROR, message: tool.status } } : {}),
  });
}

function span(
  ids: { readonly traceId: string; readonly spanId: string; readonly parentSpanId?: string },
  name: string,
  kind: number,
  [start, end]: readonly [string, string],
  rest: { readonly attributes: KeyValue[]; readonly events?: OtlpSpan['events']; readonly status?: OtlpSpan['status'] },
): OtlpSpan {
  return { ...ids, name, kind, startTimeUnixNano: start, endTimeUnixNano: end, attributes: rest.attributes, events: rest.events ?? [], status: rest.status ?? { code: STATUS_UNSET } };
}

function usageAttributes(t: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number }): KeyValue[] {
  return [
    int('gen_ai.usage.input_tokens', t.input),
    int('gen_ai.usage.output_tokens', t.output),
    int('gen_ai.usage.cache_read.input_tokens', t.cacheRead),
    int('gen_ai.usage.cache_creation.input_tokens', t.cacheWrite),
  ];
}

/** The conventions' input tokens include cache reads and writes. */
function inputTokens(u: Usage): number {
  return u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

/** The conventions' well-known `gen_ai.provider.name` of a model name, when it says. */
function providerOf(model: string): string | null {
  if (/^claude-|^anthropic\//.test(model)) return 'anthropic';
  if (/^(gpt-|o1|o3|o4|codex-)|^openai\//.test(model)) return 'openai';
  if (/^gemini-|^google\//.test(model)) return 'gcp.gemini';
  return null;
}

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

function int(key: string, value: number): KeyValue {
  return { key, value: { intValue: String(Math.trunc(value)) } };
}

function compact(values: readonly (KeyValue | null)[]): KeyValue[] {
  return values.filter((v): v is KeyValue => v !== null);
}

function hexId(text: string, length: number): string {
  return createHash('sha256').update(`git-trace otlp ${text}`).digest('hex').slice(0, length);
}

/** An ISO time as Unix nanoseconds, a decimal string; `fallback` when absent or unreadable. */
function nanos(iso: string | null, fallback: string): string {
  if (iso === null) return fallback;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? fallback : (BigInt(ms) * 1_000_000n).toString();
}
