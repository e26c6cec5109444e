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
// length (every repetition is bounded or anchored to a token start; see redact-rules.ts), with
// no stack in proportion to the input: a token of 100 MB, or a tool input nested 500,000 deep,
// is redacted, never an exception (an allow pattern that overflows keeps nothing in that
// string; one that backtracks exponentially is the user's to fix). A token over 1 KB is a blob (image, ciphertext), not a key:
// it is kept unless it is a base64-encoded private key (see redact-rules.ts).

import { UsageError } from '../errors.js';
import type { Patch, Step, ToolCall } from '../model/step.js';
import { isPlaceholder, isReference, looksRandom, secretNameStrength } from './redact-judge.js';
import { isRedactionKind, MAX_CREDENTIAL_LENGTH, REDACTION_KINDS, RULES, textScan, type JudgeContext, type RedactionKind, type RedactionRule } from './redact-rules.js';
import { mapJsonStrings } from './redact-walk.js';

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

/** Whether a hit lies wholly inside a span an allow pattern matched. */
type AllowedSpanTest = (start: number, end: number) => boolean;

/**
 * Whether an allow pattern matches the text. A user's pattern may overflow V8's regex stack on
 * a long run (`a{5,}` on megabytes of `a`): then it keeps nothing, and redaction errs toward
 * redacting rather than throwing.
 */
function isAllowedBy(re: RegExp, text: string): boolean {
  try {
    return re.test(text);
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** The spans an allow pattern (global) matches in the text; none when it overflows, as above. */
function spansOf(re: RegExp, text: string): Array<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = [];
  try {
    for (const m of text.matchAll(re)) if (m[0] !== '') spans.push([m.index, m.index + m[0].length]);
  } catch (error) {
    if (error instanceof RangeError) return [];
    throw error;
  }
  return spans;
}

/**
 * The spans of the text matched by allow patterns, computed once per string and only when
 * needed. Sorted by start, with the furthest end reached so far, so each hit costs a binary
 * search: some span holds [start, end) exactly when the spans starting at or before `start`
 * reach `end`.
 */
function allowSpans(text: string, patterns: readonly RegExp[]): AllowedSpanTest {
  const spans = patterns.flatMap((re) => spansOf(re, text));
  spans.sort((a, b) => a[0] - b[0]);
  const starts = spans.map(([start]) => start);
  const reach: number[] = [];
  for (const [, end] of spans) reach.push(Math.max(end, reach[reach.length - 1] ?? end));
  return (start, end) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] ?? 0) <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (reach[lo - 1] ?? 0) >= end;
  };
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
  let isAllowedSpan: AllowedSpanTest | undefined;
  // Pieces joined once at the end: a string grown by `+=` per hit is a rope as deep as the hits.
  const out: string[] = [];
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
      isAllowedSpan ??= allowSpans(text, allowScan);
      if (allowTest.some((re) => isAllowedBy(re, secret)) || isAllowedSpan(hit.start, hit.end)) {
        scanner.lastIndex = Math.max(matchEnd, hit.end);
        continue;
      }
    }
    out.push(text.slice(copied, hit.start), redactionMarker(hit.kind));
    copied = hit.end;
    addOne(counts, hit.kind);
    scanner.lastIndex = Math.max(matchEnd, hit.end);
  }
  if (out.length === 0) return { text, counts };
  out.push(text.slice(copied));
  return { text: out.join(''), counts };
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
    if (!allowTest.some((re) => isAllowedBy(re, value))) return { text: redactionMarker(kind), counts: { [kind]: 1 } };
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
 * Returns the same object where nothing changed. Any depth: the walk keeps its own stack.
 */
export function redactValue(value: unknown, config: RedactionConfig = DEFAULT_REDACTION): { value: unknown; counts: RedactionCounts } {
  if (!config.enabled) return { value, counts: {} };
  const counts: Record<string, number> = {};
  const redacted = mapJsonStrings(value, (text, key) => {
    const r = key === undefined ? redactText(text, config) : redactField(key, text, config);
    for (const kind in r.counts) counts[kind] = (counts[kind] ?? 0) + (r.counts[kind] ?? 0);
    return r.text;
  });
  return { value: redacted, counts };
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
