// Secret redaction: replaces secrets in text with `[REDACTED:<kind>]` and counts them per kind,
// never keeping their text. It runs at capture, on every step before it is stored, and again at
// every egress (capsule, export), so a rule added later also cleans what older versions stored.
//
// What it protects: secrets in the shapes of redact-rules.ts wherever they sit in a step's
// text, tool input, tool output or patch: provider keys (Anthropic, OpenAI and `sk-` keys,
// Google, GitHub, GitLab, Slack, Stripe live, AWS, npm, Hugging Face), JWTs, private key blocks
// and age secret keys, passwords in URLs, `NAME=value` / `"name": "value"` assignments whose
// name says secret, Authorization `Bearer` / `Basic` credentials, and long random tokens.
//
// What it does not protect: a secret with no recognisable shape (a short password in prose, a
// passphrase with spaces, a key split across lines or steps, a secret in an encoding the rules do
// not decode), hex secrets outside a secret-saying name (hex strings stay readable: commit ids,
// digests), personal data (names, e-mail addresses), and whatever the user keeps with
// `trace.redactAllow`, `trace.redactDisable` or `trace.redact=false`. The detectors are
// heuristics: about 0.3% of random 32-character tokens without a known prefix or a secret name
// pass unredacted. Redaction is a safety net under encryption, not a replacement for it.
//
// Caller duties: pass user-visible text only. Opaque model blobs (Anthropic `signature` and
// `thinkingSignature`, OpenAI `encrypted_content`, Gemini `thoughtSignature`, image data)
// are not user secrets: do not pass them, or those under 1 KB come back as `high-entropy`.
//
// Properties: redacting redacted text changes nothing and counts nothing (markers are never
// matched again); each string is scanned once by one combined regex, in time linear in its
// length (every repetition is bounded or anchored to a token start; see redact-rules.ts).

import { UsageError } from '../errors.js';
import { isRecord } from '../model/json.js';
import type { Patch, Step, ToolCall } from '../model/step.js';
import { isPlaceholder, isReference, looksRandom, secretNameStrength } from './redact-judge.js';
import { isRedactionKind, MAX_CREDENTIAL_LENGTH, REDACTION_KINDS, RULES, textScan, type JudgeContext, type RedactionKind, type RedactionRule } from './redact-rules.js';

export { REDACTION_KINDS, type RedactionKind } from './redact-rules.js';

export interface RedactionConfig {
  /** `trace.redact`: false turns redaction off entirely. */
  readonly enabled: boolean;
  /** `trace.redactAllow`: a secret matched by one of these, or lying inside one of their matches, is kept. */
  readonly allow: readonly RegExp[];
  /** `trace.redactDisable`: kinds that are not redacted. */
  readonly disabledKinds: ReadonlySet<string>;
}

/** Number of redactions per kind; kinds with none are absent. */
export type RedactionCounts = Readonly<Record<string, number>>;

export const DEFAULT_REDACTION: RedactionConfig = Object.freeze({
  enabled: true,
  allow: Object.freeze([]),
  disabledKinds: new Set<string>(),
});

/** The marker that replaces a secret. */
export function redactionMarker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

const GIT_TRUE = new Set(['true', 'yes', 'on', '1', '']);
const GIT_FALSE = new Set(['false', 'no', 'off', '0']);

/**
 * The configuration from git config values: `trace.redact` (a git boolean, default true),
 * `trace.redactAllow` (regexes, multi-valued), `trace.redactDisable` (kind names, multi-valued).
 * Throws `UsageError` naming the bad value for an invalid boolean, regex or kind.
 */
export function parseRedactionConfig(entries: {
  readonly redact?: string;
  readonly allow?: readonly string[];
  readonly disable?: readonly string[];
}): RedactionConfig {
  let enabled = true;
  if (entries.redact !== undefined) {
    const value = entries.redact.trim().toLowerCase();
    if (GIT_FALSE.has(value)) enabled = false;
    else if (!GIT_TRUE.has(value)) {
      throw new UsageError(`bad boolean value '${entries.redact}' for 'trace.redact'`, { hint: 'use true or false' });
    }
  }
  const allow = (entries.allow ?? []).map((source) => {
    try {
      return new RegExp(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`invalid regex '${source}' in 'trace.redactAllow': ${reason}`, {
        hint: 'trace.redactAllow takes JavaScript regular expressions, one per value',
      });
    }
  });
  const disabledKinds = new Set<string>();
  for (const kind of entries.disable ?? []) {
    const name = kind.trim();
    if (!isRedactionKind(name)) {
      throw new UsageError(`unknown redaction kind '${kind}' in 'trace.redactDisable'`, {
        hint: `kinds: ${REDACTION_KINDS.join(', ')}`,
      });
    }
    disabledKinds.add(name);
  }
  return Object.freeze({ enabled, allow: Object.freeze(allow), disabledKinds });
}

// ---- the engine ----------------------------------------------------------------------------

/** A marker we wrote: matched first and skipped whole, so nothing matches inside it. */
const MARKER_PATTERN = `\\[REDACTED:[a-z0-9-]{1,40}\\]`;

interface Compiled {
  readonly scanner: RegExp;
  readonly rules: readonly RedactionRule[];
  readonly context: JudgeContext;
  readonly allowTest: readonly RegExp[];
  readonly allowScan: readonly RegExp[];
}

const compiledByConfig = new WeakMap<RedactionConfig, Compiled>();

function compile(config: RedactionConfig): Compiled {
  const cached = compiledByConfig.get(config);
  if (cached !== undefined) return cached;
  const isEnabled = (kind: RedactionKind): boolean => !config.disabledKinds.has(kind);
  const rules = RULES.filter((rule) => isEnabled(rule.kind));
  const classifiers = rules
    .filter((rule) => rule.classifies)
    .map((rule) => ({ rule, whole: new RegExp(`^(?:${rule.pattern})$`) }));
  const context: JudgeContext = {
    isEnabled,
    classify: (value) => {
      if (value.length > MAX_CREDENTIAL_LENGTH) return undefined;
      for (const { rule, whole } of classifiers) {
        if (!whole.test(value)) continue;
        const hit = rule.judge({ text: value, index: 0, match: value, scan: textScan(value) }, context);
        if (hit !== null && isEnabled(hit.kind)) return hit.kind;
      }
      return undefined;
    },
  };
  const alternatives = [MARKER_PATTERN, ...rules.map((rule) => rule.pattern)];
  const scanner = new RegExp(alternatives.map((source) => `(${source})`).join('|'), 'g');
  // The engine tells rules apart by their outer group: a rule with a group of its own would shift the rest.
  if (new RegExp(`${scanner.source}|`).exec('')?.length !== alternatives.length + 1) {
    throw new Error('redaction rule patterns must not contain capturing groups');
  }
  const compiled: Compiled = {
    scanner,
    rules,
    context,
    allowTest: config.allow.map((re) => new RegExp(re.source, re.flags.replace(/[gy]/g, ''))),
    allowScan: config.allow.map((re) => new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'g')),
  };
  compiledByConfig.set(config, compiled);
  return compiled;
}

/** Spans of the text matched by allow patterns, computed once per string and only when needed. */
function allowSpans(text: string, patterns: readonly RegExp[]): ReadonlyArray<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = [];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) if (m[0] !== '') spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

function addOne(counts: Record<string, number>, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

/** Replace the secrets in one string. */
export function redactText(text: string, config: RedactionConfig = DEFAULT_REDACTION): { text: string; counts: RedactionCounts } {
  if (!config.enabled || text.length < 8) return { text, counts: {} };
  const { scanner, rules, context, allowTest, allowScan } = compile(config);
  const counts: Record<string, number> = {};
  const scan = textScan(text);
  let spans: ReadonlyArray<readonly [number, number]> | undefined;
  let out = '';
  let copied = 0;
  scanner.lastIndex = 0;
  for (let m = scanner.exec(text); m !== null; m = scanner.exec(text)) {
    const matchEnd = m.index + m[0].length;
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    const rule = rules[group - 2];
    if (rule === undefined) continue; // a marker (group 1): lastIndex is already past it
    const hit = rule.judge({ text, index: m.index, match: m[0], scan }, context);
    if (hit === null || !context.isEnabled(hit.kind)) {
      // Not a secret here: look again from the next character, another rule may match inside.
      scanner.lastIndex = m.index + 1;
      continue;
    }
    const secret = text.slice(hit.start, hit.end);
    if (allowTest.length > 0) {
      spans ??= allowSpans(text, allowScan);
      if (allowTest.some((re) => re.test(secret)) || spans.some(([s, e]) => s <= hit.start && hit.end <= e)) {
        scanner.lastIndex = Math.max(matchEnd, hit.end);
        continue;
      }
    }
    out += text.slice(copied, hit.start) + redactionMarker(hit.kind);
    copied = hit.end;
    addOne(counts, hit.kind);
    scanner.lastIndex = Math.max(matchEnd, hit.end);
  }
  return copied === 0 ? { text, counts } : { text: out + text.slice(copied), counts };
}

/** Add two count records (a new record; neither argument changes). */
export function addCounts(a: RedactionCounts, b: RedactionCounts): RedactionCounts {
  const sum: Record<string, number> = { ...a };
  for (const [kind, n] of Object.entries(b)) sum[kind] = (sum[kind] ?? 0) + n;
  return sum;
}

function isEmpty(counts: RedactionCounts): boolean {
  for (const _ in counts) return false;
  return true;
}

/**
 * Redact a string held under an object key: when the key says secret (`password`, `apiKey`)
 * the whole value is judged as that assignment's value, otherwise the text is scanned.
 */
function redactField(key: string, value: string, config: RedactionConfig): { text: string; counts: RedactionCounts } {
  const { context, allowTest } = compile(config);
  if (context.isEnabled('secret-assignment') && isSecretValueForKey(key, value)) {
    const kind = context.classify(value) ?? 'secret-assignment';
    if (!allowTest.some((re) => re.test(value))) return { text: redactionMarker(kind), counts: { [kind]: 1 } };
  }
  return redactText(value, config);
}

/** The value under a key as an assignment's value: the same test as `key: "value"` in text. */
function isSecretValueForKey(key: string, value: string): boolean {
  const strength = secretNameStrength(key);
  if (strength === 'none' || value.length > 256 || /\s/.test(value)) return false;
  if (isPlaceholder(value) || isReference(value)) return false;
  return strength === 'strong' ? value.length >= 6 : looksRandom(value, 16);
}

/**
 * Walk JSON: strings are redacted, object keys kept, numbers, booleans and null untouched.
 * Returns the same object where nothing changed.
 */
export function redactValue(value: unknown, config: RedactionConfig = DEFAULT_REDACTION): { value: unknown; counts: RedactionCounts } {
  if (!config.enabled) return { value, counts: {} };
  return walk(value, undefined, config);
}

function walk(value: unknown, key: string | undefined, config: RedactionConfig): { value: unknown; counts: RedactionCounts } {
  if (typeof value === 'string') {
    const { text, counts } = key === undefined ? redactText(value, config) : redactField(key, value, config);
    return { value: text, counts };
  }
  if (Array.isArray(value)) {
    let counts: RedactionCounts = {};
    let changed = false;
    const items = value.map((item: unknown) => {
      const r = walk(item, undefined, config);
      if (r.value !== item) changed = true;
      if (!isEmpty(r.counts)) counts = addCounts(counts, r.counts);
      return r.value;
    });
    return { value: changed ? items : value, counts };
  }
  if (isRecord(value)) {
    let counts: RedactionCounts = {};
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = walk(v, k, config);
      if (r.value !== v) changed = true;
      if (!isEmpty(r.counts)) counts = addCounts(counts, r.counts);
      out[k] = r.value;
    }
    return { value: changed ? out : value, counts };
  }
  return { value, counts: {} };
}

/**
 * Redact every text-bearing field of a step: `text`, `tool.input`, `tool.output` and each
 * patch's `diff`. Ids, timestamps, model, paths, usage and `redacted` are kept as they are;
 * the caller records the counts (at capture, in the step's `redacted`).
 */
export function redactStep(step: Step, config: RedactionConfig = DEFAULT_REDACTION): { step: Step; counts: RedactionCounts } {
  if (!config.enabled) return { step, counts: {} };
  let counts: RedactionCounts = {};
  const text = (value: string): string => {
    const r = redactText(value, config);
    if (!isEmpty(r.counts)) counts = addCounts(counts, r.counts);
    return r.text;
  };
  const patches = step.patches?.map((patch): Patch => ({ ...patch, diff: text(patch.diff) }));
  const withPatches = patches === undefined ? step : { ...step, patches };
  let redacted: Step;
  switch (withPatches.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      redacted = { ...withPatches, text: text(withPatches.text) };
      break;
    case 'compaction':
    case 'subagent':
      redacted = withPatches.text === undefined ? withPatches : { ...withPatches, text: text(withPatches.text) };
      break;
    case 'tool': {
      const input = redactValue(withPatches.tool.input, config);
      if (!isEmpty(input.counts)) counts = addCounts(counts, input.counts);
      const tool: ToolCall = {
        ...withPatches.tool,
        input: input.value,
        ...(withPatches.tool.output === undefined ? {} : { output: text(withPatches.tool.output) }),
      };
      redacted = { ...withPatches, tool };
      break;
    }
  }
  return { step: isEmpty(counts) ? step : redacted, counts };
}
