// Token usage and cost of sessions, grouped by session, model, day or agent.
//
// Rules:
// - One model response is counted once. Agents may spread a response over several records that
//   repeat its usage (Claude Code writes one record per content block, and the early ones carry
//   only the usage known when streaming began): steps sharing a `usageKey` are one response, whose
//   usage is the maximum of each field. Steps without a `usageKey` are responses of their own.
// - A cost the agent recorded itself (`costUSD`, pi) is taken as it is; otherwise the usage is
//   priced from the table in pricing.ts. A model the table does not know costs 0 and is named in
//   `unpricedModels`: its tokens are still counted. `<synthetic>` records are not model calls and
//   are left out.
// - `rules: 'ccusage'` reproduces ccusage@18 exactly, to compare with it: the FIRST record of a
//   response counts (not the maximum), responses are deduplicated across sessions too, every
//   cache write is priced at the 5-minute rate, and long-context prices apply per field to the
//   tokens above the threshold instead of to the whole request.

import { PRICING_DATE, isModelCall, lookupPricing, type ModelPricing, type TokenPrices } from './pricing.js';
import { compact } from '../model/json.js';
import type { Step, Usage } from '../model/step.js';

export const COST_GROUPINGS = ['session', 'model', 'day', 'agent'] as const;
export type CostGrouping = (typeof COST_GROUPINGS)[number];

/** `published`: the vendors' billing rules. `ccusage`: ccusage@18's rules, for comparison. */
export type CostRules = 'published' | 'ccusage';

export type Speed = 'standard' | 'fast';

/** Usage as priced: a response served in fast mode costs a multiple (Anthropic). */
export interface PricedUsage extends Usage {
  readonly speed?: Speed;
}

export interface CostTotals {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costUSD: number;
  /** Models seen without a price (and without a cost recorded by the agent), sorted. */
  readonly unpricedModels: readonly string[];
  /** Model responses counted, after deduplication. */
  readonly responses: number;
  /** Of those, responses whose cost is unknown (counted as 0). */
  readonly unpricedResponses: number;
}

export interface CostRow extends CostTotals {
  /** Session id, model id as the agent wrote it, UTC day `YYYY-MM-DD`, or agent name. */
  readonly key: string;
}

export interface CostReport {
  readonly by: CostGrouping;
  readonly rules: CostRules;
  readonly pricingDate: string;
  readonly totals: CostTotals;
  /** Days in ascending order; other groupings by cost, highest first, then by key. */
  readonly rows: readonly CostRow[];
}

export interface CostSession {
  readonly session: { readonly id: string; readonly agent: string };
  readonly steps: Iterable<Step>;
}

export interface CostOptions {
  readonly rules?: CostRules;
}

/** Group key for a response with no model and for a step with no usable timestamp. */
export const UNKNOWN_KEY = 'unknown';

/** The cost in USD of one model response; 0 when the model has no price or is not a model call. */
export function costOfUsage(model: string, usage: PricedUsage, rules: CostRules = 'published'): number {
  if (!isModelCall(model)) return 0;
  const pricing = lookupPricing(model);
  return pricing === null ? 0 : priceUsage(pricing, usage, rules);
}

function priceUsage(pricing: ModelPricing, usage: PricedUsage, rules: CostRules): number {
  const fast = usage.speed === 'fast' ? (pricing.fastMultiplier ?? 1) : 1;
  switch (rules) {
    case 'published':
      return publishedCost(pricing, usage) * fast;
    case 'ccusage':
      return ccusageCost(pricing, usage) * fast;
  }
}

function publishedCost(pricing: ModelPricing, usage: Usage): number {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const long = pricing.longContext;
  const prices: TokenPrices = long !== undefined && prompt > long.aboveTokens ? long.prices : pricing;
  const write1h = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  return (
    usage.inputTokens * perToken(prices.input) +
    usage.outputTokens * perToken(prices.output) +
    (usage.cacheWriteTokens - write1h) * perToken(prices.cacheWrite5m) +
    write1h * perToken(prices.cacheWrite1h) +
    usage.cacheReadTokens * perToken(prices.cacheRead)
  );
}

// ccusage adds the four fields in this order, each tiered on its own count at its threshold.
function ccusageCost(pricing: ModelPricing, usage: Usage): number {
  const long = pricing.longContext;
  const field = (tokens: number, pick: (prices: TokenPrices) => number): number => {
    if (tokens <= 0) return 0;
    if (long === undefined || tokens <= long.aboveTokens) return tokens * perToken(pick(pricing));
    return (tokens - long.aboveTokens) * perToken(pick(long.prices)) + long.aboveTokens * perToken(pick(pricing));
  };
  return (
    field(usage.inputTokens, (p) => p.input) +
    field(usage.outputTokens, (p) => p.output) +
    field(usage.cacheWriteTokens, (p) => p.cacheWrite5m) +
    field(usage.cacheReadTokens, (p) => p.cacheRead)
  );
}

// Prices are per million; per token they are the same doubles ccusage uses (3 / 1e6 === 3e-6).
function perToken(perMillion: number): number {
  return perMillion / 1_000_000;
}

/** One model response after deduplication. */
export interface ModelResponse {
  readonly sessionId: string;
  readonly agent: string;
  readonly model: string | undefined;
  readonly usage: PricedUsage | undefined;
  readonly costUSD: number | undefined;
  readonly timestamp: string | null;
}

interface Pending {
  model: string | undefined;
  usage: PricedUsage | undefined;
  costUSD: number | undefined;
  timestamp: string | null;
  readonly sessionId: string;
  readonly agent: string;
}

/**
 * The model responses of sessions, each once, in the order first seen. With `published` rules a
 * `usageKey` is deduplicated within its session; with `ccusage` rules across all sessions.
 */
export function modelResponses(sessions: Iterable<CostSession>, rules: CostRules = 'published'): ModelResponse[] {
  const responses: Pending[] = [];
  const acrossSessions = new Map<string, Pending>();
  for (const { session, steps } of sessions) {
    const byKey = rules === 'ccusage' ? acrossSessions : new Map<string, Pending>();
    for (const step of steps) {
      if (step.usage === undefined && step.costUSD === undefined) continue;
      const seen = step.usageKey === undefined ? undefined : byKey.get(step.usageKey);
      if (seen !== undefined) {
        if (rules === 'published') mergeInto(seen, step);
        continue;
      }
      const response: Pending = {
        sessionId: session.id,
        agent: session.agent,
        model: step.model,
        usage: step.usage,
        costUSD: step.costUSD,
        timestamp: step.timestamp,
      };
      responses.push(response);
      if (step.usageKey !== undefined) byKey.set(step.usageKey, response);
    }
  }
  return responses;
}

function mergeInto(response: Pending, step: Step): void {
  response.model ??= step.model;
  response.timestamp ??= step.timestamp;
  if (step.costUSD !== undefined) response.costUSD = Math.max(response.costUSD ?? 0, step.costUSD);
  if (step.usage !== undefined) response.usage = response.usage === undefined ? step.usage : maxUsage(response.usage, step.usage);
}

function maxUsage(a: PricedUsage, b: PricedUsage): PricedUsage {
  const optionalMax = (x: number | undefined, y: number | undefined): number | undefined =>
    x === undefined ? y : y === undefined ? x : Math.max(x, y);
  return compact<PricedUsage>({
    inputTokens: Math.max(a.inputTokens, b.inputTokens),
    outputTokens: Math.max(a.outputTokens, b.outputTokens),
    cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens),
    cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens),
    cacheWrite1hTokens: optionalMax(a.cacheWrite1hTokens, b.cacheWrite1hTokens),
    reasoningTokens: optionalMax(a.reasoningTokens, b.reasoningTokens),
    speed: a.speed ?? b.speed,
  });
}

class Accumulator {
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  costUSD = 0;
  responses = 0;
  unpricedResponses = 0;
  readonly unpriced = new Set<string>();

  add(response: ModelResponse, priced: Priced): void {
    const usage = response.usage;
    if (usage !== undefined) {
      this.inputTokens += usage.inputTokens;
      this.outputTokens += usage.outputTokens;
      this.cacheReadTokens += usage.cacheReadTokens;
      this.cacheWriteTokens += usage.cacheWriteTokens;
    }
    this.costUSD += priced.costUSD;
    this.responses += 1;
    if (priced.unpricedModel !== undefined) {
      this.unpricedResponses += 1;
      this.unpriced.add(priced.unpricedModel);
    }
  }

  totals(): CostTotals {
    const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUSD, responses, unpricedResponses } = this;
    const unpricedModels = [...this.unpriced].sort();
    return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUSD, unpricedModels, responses, unpricedResponses };
  }
}

interface Priced {
  readonly costUSD: number;
  /** Set when the cost is unknown: the model id, or UNKNOWN_KEY when the response named none. */
  readonly unpricedModel?: string;
}

function priceResponse(response: ModelResponse, rules: CostRules): Priced {
  if (response.costUSD !== undefined) return { costUSD: response.costUSD };
  const model = response.model;
  if (model === undefined) return { costUSD: 0, unpricedModel: UNKNOWN_KEY };
  const pricing = lookupPricing(model);
  if (pricing === null) return { costUSD: 0, unpricedModel: model };
  return { costUSD: response.usage === undefined ? 0 : priceUsage(pricing, response.usage, rules) };
}

function groupKey(response: ModelResponse, by: CostGrouping): string {
  switch (by) {
    case 'session':
      return response.sessionId;
    case 'model':
      return response.model ?? UNKNOWN_KEY;
    case 'day':
      return utcDay(response.timestamp);
    case 'agent':
      return response.agent;
  }
}

/** `YYYY-MM-DD` of a timestamp in UTC, or UNKNOWN_KEY. */
export function utcDay(timestamp: string | null): string {
  if (timestamp === null) return UNKNOWN_KEY;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? UNKNOWN_KEY : new Date(ms).toISOString().slice(0, 10);
}

/** Tokens and cost of sessions, in total and per group. */
export function aggregateCost(sessions: Iterable<CostSession>, by: CostGrouping, options: CostOptions = {}): CostReport {
  const rules = options.rules ?? 'published';
  const total = new Accumulator();
  const groups = new Map<string, Accumulator>();
  for (const response of modelResponses(sessions, rules)) {
    if (response.model !== undefined && !isModelCall(response.model)) continue;
    const priced = priceResponse(response, rules);
    const key = groupKey(response, by);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = new Accumulator()));
    group.add(response, priced);
    total.add(response, priced);
  }
  const rows = [...groups].map(([key, group]): CostRow => ({ key, ...group.totals() }));
  rows.sort(by === 'day' ? byDay : byCost);
  return { by, rules, pricingDate: PRICING_DATE, totals: total.totals(), rows };
}

// `unknown` sorts after every date.
function byDay(a: CostRow, b: CostRow): number {
  if (a.key === b.key) return 0;
  if (a.key === UNKNOWN_KEY) return 1;
  if (b.key === UNKNOWN_KEY) return -1;
  return a.key < b.key ? -1 : 1;
}

function byCost(a: CostRow, b: CostRow): number {
  if (a.costUSD !== b.costUSD) return b.costUSD - a.costUSD;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
