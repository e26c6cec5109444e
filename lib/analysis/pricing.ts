// The dated price table: USD per million tokens, per model, as published by each vendor on
// PRICING_DATE. Shipped with the package so `git trace cost` works offline and gives the same
// answer on every machine; a newer release brings newer prices.
//
// Rules:
// - Only prices we could check are listed. A model that is not here costs 0 and is reported as
//   unpriced by the caller: a missing price is never guessed from a similar name.
// - Keys are base model ids: no date suffix, no provider prefix (normalizeModelId strips them).
// - Where a vendor bills no separate cache write (OpenAI before GPT-5.6, Google), the cache
//   write prices equal the input price: a written token is billed as an ordinary input token.
// - `longContext`: the vendor bills the WHOLE request at other prices once its prompt (input +
//   cache reads + cache writes) is larger than `aboveTokens`.
// - Sources: Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing and the
//   model pages); for every Claude model ccusage@18 knows, its bundled offline figures are the
//   same. OpenAI and Google: their pricing pages as mirrored by GitHub Copilot's per-token table
//   (github/docs data/tables/copilot/models-and-pricing.yml) and @ccusage/codex@18's bundled
//   table, which agree where both list a model.

export const PRICING_DATE = '2026-11-22';

export type Provider = 'anthropic' | 'openai' | 'google';

/** USD per million tokens. */
export interface TokenPrices {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** Cache writes with the default five-minute lifetime. */
  readonly cacheWrite5m: number;
  /** Cache writes with a one-hour lifetime. */
  readonly cacheWrite1h: number;
}

export interface LongContextPrices {
  /** The whole request is billed at `prices` when its prompt has more tokens than this. */
  readonly aboveTokens: number;
  readonly prices: TokenPrices;
}

export interface ModelPricing extends TokenPrices {
  readonly provider: Provider;
  readonly longContext?: LongContextPrices;
  /** Multiplier on the whole cost when the response was served in fast mode (Anthropic). */
  readonly fastMultiplier?: number;
}

/** Anthropic rows: input, output, cache read, 5-minute write, 1-hour write. */
function anthropic(input: number, output: number, cacheRead: number, cacheWrite5m: number, cacheWrite1h: number): TokenPrices {
  return { input, output, cacheRead, cacheWrite5m, cacheWrite1h };
}

/** Rows of vendors with no cache-write premium: writes cost as much as input. */
function uncachedWrites(input: number, output: number, cacheRead: number): TokenPrices {
  return { input, output, cacheRead, cacheWrite5m: input, cacheWrite1h: input };
}

/** OpenAI's GPT-5.6 family bills cache writes at one price whatever their lifetime. */
function oneWritePrice(input: number, output: number, cacheRead: number, cacheWrite: number): TokenPrices {
  return { input, output, cacheRead, cacheWrite5m: cacheWrite, cacheWrite1h: cacheWrite };
}

const OPUS_4_5 = anthropic(5, 25, 0.5, 6.25, 10);
const OPUS_4 = anthropic(15, 75, 1.5, 18.75, 30);
const SONNET_4 = anthropic(3, 15, 0.3, 3.75, 6);
/** Sonnet 4 and 4.5 with the 1M-token context window, above 200k prompt tokens. */
const SONNET_4_LONG: LongContextPrices = { aboveTokens: 200_000, prices: anthropic(6, 22.5, 0.6, 7.5, 12) };

const GPT_5 = uncachedWrites(1.25, 10, 0.125);
const GPT_5_MINI = uncachedWrites(0.25, 2, 0.025);
const GPT_5_2 = uncachedWrites(1.75, 14, 0.175);
const GPT_5_5 = uncachedWrites(5, 30, 0.5);
const GPT_5_5_LONG: LongContextPrices = { aboveTokens: 272_000, prices: uncachedWrites(10, 45, 1) };
const GEMINI_3_PRO = uncachedWrites(2, 12, 0.2);
const GEMINI_3_PRO_LONG: LongContextPrices = { aboveTokens: 200_000, prices: uncachedWrites(4, 18, 0.4) };

export const MODEL_PRICING: Readonly<Record<string, ModelPricing>> = {
  // Anthropic
  'claude-opus-5-5': { provider: 'anthropic', ...anthropic(4, 20, 0.2, 5, 8) },
  'claude-opus-5': { provider: 'anthropic', ...OPUS_4_5 },
  'claude-opus-4-8': { provider: 'anthropic', ...OPUS_4_5 },
  'claude-opus-4-7': { provider: 'anthropic', ...OPUS_4_5, fastMultiplier: 6 },
  'claude-opus-4-6': { provider: 'anthropic', ...OPUS_4_5, fastMultiplier: 6 },
  'claude-opus-4-5': { provider: 'anthropic', ...OPUS_4_5 },
  'claude-opus-4-1': { provider: 'anthropic', ...OPUS_4 },
  'claude-opus-4': { provider: 'anthropic', ...OPUS_4 },
  'claude-sonnet-5': { provider: 'anthropic', ...anthropic(2, 10, 0.2, 2.5, 4) },
  'claude-sonnet-4-6': { provider: 'anthropic', ...SONNET_4 },
  'claude-sonnet-4-5': { provider: 'anthropic', ...SONNET_4, longContext: SONNET_4_LONG },
  'claude-sonnet-4': { provider: 'anthropic', ...SONNET_4, longContext: SONNET_4_LONG },
  'claude-3-7-sonnet': { provider: 'anthropic', ...SONNET_4 },
  'claude-3-5-sonnet': { provider: 'anthropic', ...SONNET_4 },
  'claude-haiku-4-5': { provider: 'anthropic', ...anthropic(1, 5, 0.1, 1.25, 2) },
  'claude-3-5-haiku': { provider: 'anthropic', ...anthropic(0.8, 4, 0.08, 1, 1.6) },
  'claude-3-opus': { provider: 'anthropic', ...OPUS_4 },
  'claude-3-haiku': { provider: 'anthropic', ...anthropic(0.25, 1.25, 0.03, 0.3, 0.5) },

  // OpenAI
  'gpt-5': { provider: 'openai', ...GPT_5 },
  'gpt-5-codex': { provider: 'openai', ...GPT_5 },
  'gpt-5-chat-latest': { provider: 'openai', ...GPT_5 },
  'gpt-5.1': { provider: 'openai', ...GPT_5 },
  'gpt-5.1-chat-latest': { provider: 'openai', ...GPT_5 },
  'gpt-5.1-codex': { provider: 'openai', ...GPT_5 },
  'gpt-5.1-codex-max': { provider: 'openai', ...GPT_5 },
  'gpt-5-mini': { provider: 'openai', ...GPT_5_MINI },
  'gpt-5.1-codex-mini': { provider: 'openai', ...GPT_5_MINI },
  'gpt-5-nano': { provider: 'openai', ...uncachedWrites(0.05, 0.4, 0.005) },
  'gpt-5-pro': { provider: 'openai', ...uncachedWrites(15, 120, 15) },
  'gpt-5.2': { provider: 'openai', ...GPT_5_2 },
  'gpt-5.2-chat-latest': { provider: 'openai', ...GPT_5_2 },
  'gpt-5.2-codex': { provider: 'openai', ...GPT_5_2 },
  'gpt-5.3-codex': { provider: 'openai', ...GPT_5_2 },
  'gpt-5.3-chat-latest': { provider: 'openai', ...GPT_5_2 },
  'gpt-5.2-pro': { provider: 'openai', ...uncachedWrites(21, 168, 21) },
  'gpt-5.4': {
    provider: 'openai',
    ...uncachedWrites(2.5, 15, 0.25),
    longContext: { aboveTokens: 272_000, prices: uncachedWrites(5, 22.5, 0.5) },
  },
  'gpt-5.4-mini': { provider: 'openai', ...uncachedWrites(0.75, 4.5, 0.075) },
  'gpt-5.4-nano': { provider: 'openai', ...uncachedWrites(0.2, 1.25, 0.02) },
  'gpt-5.4-pro': { provider: 'openai', ...uncachedWrites(30, 180, 3) },
  'gpt-5.5': { provider: 'openai', ...GPT_5_5, longContext: GPT_5_5_LONG },
  'gpt-5.6-sol': {
    provider: 'openai',
    ...oneWritePrice(5, 30, 0.5, 6.25),
    longContext: { aboveTokens: 272_000, prices: oneWritePrice(10, 45, 1, 12.5) },
  },
  'gpt-5.6-terra': {
    provider: 'openai',
    ...oneWritePrice(2, 12, 0.2, 2.5),
    longContext: { aboveTokens: 272_000, prices: oneWritePrice(4, 18, 0.4, 5) },
  },
  'gpt-5.6-luna': {
    provider: 'openai',
    ...oneWritePrice(0.2, 1.2, 0.02, 0.25),
    longContext: { aboveTokens: 200_000, prices: oneWritePrice(0.4, 1.8, 0.04, 0.5) },
  },

  // Google
  'gemini-2.5-pro': {
    provider: 'google',
    ...uncachedWrites(1.25, 10, 0.125),
    longContext: { aboveTokens: 200_000, prices: uncachedWrites(2.5, 15, 0.25) },
  },
  'gemini-2.5-flash': { provider: 'google', ...uncachedWrites(0.3, 2.5, 0.03) },
  'gemini-2.5-flash-lite': { provider: 'google', ...uncachedWrites(0.1, 0.4, 0.01) },
  'gemini-3-pro-preview': { provider: 'google', ...GEMINI_3_PRO, longContext: GEMINI_3_PRO_LONG },
  'gemini-3.1-pro-preview': { provider: 'google', ...GEMINI_3_PRO, longContext: GEMINI_3_PRO_LONG },
  'gemini-3-flash-preview': { provider: 'google', ...uncachedWrites(0.5, 3, 0.05) },
  'gemini-3.5-flash': { provider: 'google', ...uncachedWrites(1.5, 9, 0.15) },
};

/** Model names agents write for records that are not model calls (Claude Code's canned replies). */
const NOT_MODEL_CALLS: ReadonlySet<string> = new Set(['<synthetic>']);

/** True for names such as `<synthetic>` that mark a record no model produced: it costs nothing. */
export function isModelCall(model: string): boolean {
  return !NOT_MODEL_CALLS.has(model.trim());
}

/** Older spellings of ids in the table. */
const ALIASES: Readonly<Record<string, string>> = {
  'claude-4-opus': 'claude-opus-4',
  'claude-4-sonnet': 'claude-sonnet-4',
  'claude-opus-4-0': 'claude-opus-4',
  'claude-sonnet-4-0': 'claude-sonnet-4',
};

// Prefixes routers and SDKs put before a vendor's own id. Only these: a model served by another
// host (`accounts/fireworks/…`) is billed by that host at its own prices, so it stays unpriced.
const PROVIDER_PREFIX = /^(?:anthropic|openai|google|gemini|models)\//;
// `-20250929` (Anthropic), `-2025-08-07` (OpenAI), and Claude Code's `[1m]` context marker.
const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;
const CONTEXT_MARKER = /\[1m\]$/;

/** The table key for a model id as an agent wrote it: lowercase, no provider prefix, no date. */
export function normalizeModelId(model: string): string {
  let id = model.trim().toLowerCase();
  while (PROVIDER_PREFIX.test(id)) id = id.replace(PROVIDER_PREFIX, '');
  id = id.replace(CONTEXT_MARKER, '').replace(DATE_SUFFIX, '');
  // `claude-3-7-sonnet-latest` names the dated model; OpenAI's `-chat-latest` ids are models of
  // their own. Routers write Claude versions with dots (`claude-sonnet-4.5`), Anthropic dashes.
  if (id.startsWith('claude-')) id = id.replace(/-latest$/, '').replace(/(\d)\.(\d)/g, '$1-$2');
  return ALIASES[id] ?? id;
}

/** The prices of a model, or null when the table does not know it (the caller reports it). */
export function lookupPricing(model: string): ModelPricing | null {
  return MODEL_PRICING[normalizeModelId(model)] ?? null;
}
