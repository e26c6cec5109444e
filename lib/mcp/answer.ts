// Every answer the MCP server gives passes here: secrets redacted again (a rule added since
// capture cleans older records too), home paths, the repository's path and the user's names
// scrubbed, then cut to size. Redaction comes before cutting, so a cut never splits a secret
// out of its marker. What is cut says how to get the rest; nothing is dropped silently.

import { redactValue } from '../crypto/redact.js';
import { EgressText } from '../egress/egress.js';
import { isRecord } from '../model/json.js';

/** The most characters of JSON in one answer. */
export const MAX_ANSWER_CHARS = 20_000;
/** The most characters of one text field before it is cut (a step's output, a diff, a prompt). */
export const MAX_FIELD_CHARS = 4_000;
/** What `show_step` with a `field` returns at once. */
export const PAGE_CHARS = 12_000;

/** Where to read the rest of a string cut at `shown` characters; the `path` is its place in the answer. */
export type MoreHint = (path: readonly (string | number)[], shown: number) => string;

export class AnswerEgress extends EgressText {
  /** Redact and scrub every string of `value` (ids, times and kinds kept as they are). */
  value<T>(value: T): T {
    const redacted = redactValue(value, this.redaction);
    this.count(redacted.counts);
    return this.scrub(redacted.value as T);
  }
}

/**
 * Cut every string longer than `max` characters, never inside a redaction marker, ending it with
 * a marker that says how many characters are left and how to read them.
 */
export function cutStrings<T>(value: T, max: number, more: MoreHint, path: (string | number)[] = []): T {
  if (typeof value === 'string') return cutText(value, max, more(path, cutPoint(value, max))) as T;
  if (Array.isArray(value)) return value.map((v: unknown, i) => cutStrings(v, max, more, [...path, i])) as T;
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cutStrings(v, max, more, [...path, k]);
    return out as T;
  }
  return value;
}

function cutPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  // A marker that straddles the cut goes whole to the part left out.
  for (const m of text.slice(Math.max(0, max - MARKER_MAX), max + MARKER_MAX).matchAll(MARKER)) {
    const start = Math.max(0, max - MARKER_MAX) + m.index;
    if (start < max && start + m[0].length > max) return start;
  }
  return max;
}

const MARKER = /\[REDACTED:[a-z0-9-]{1,40}\]/g;
const MARKER_MAX = 52;

function cutText(text: string, max: number, hint: string): string {
  const at = cutPoint(text, max);
  if (at === text.length) return text;
  return `${text.slice(0, at)}\n[… cut: ${text.length - at} more characters; ${hint}]`;
}

export interface BoundOptions {
  /** The array field that may lose items from its end to fit (a list, hits, blame rows). */
  readonly list?: string;
  /** How to ask for the items left out (a narrower range, a smaller page). */
  readonly listHint?: string;
  readonly more: MoreHint;
  /** The longest a string may be before it is cut (default MAX_FIELD_CHARS). */
  readonly maxField?: number;
}

/**
 * `answer` as JSON of at most MAX_ANSWER_CHARS: long strings cut (tighter and tighter), then, if
 * still too long, items dropped from the end of its `list` field, with `omitted` and `more` saying
 * how many and how to get them.
 */
export function bounded(answer: Record<string, unknown>, options: BoundOptions): string {
  for (const max of [options.maxField ?? MAX_FIELD_CHARS, 1_000, 300]) {
    const cut = cutStrings(answer, max, options.more);
    const text = JSON.stringify(cut);
    if (text.length <= MAX_ANSWER_CHARS) return text;
    const list = options.list === undefined ? undefined : cut[options.list];
    if (max === 300 && Array.isArray(list)) return fitList(cut, options.list as string, list, options.listHint ?? 'ask for fewer');
  }
  // A single item that cannot fit even with its strings cut short: say so rather than send it.
  return JSON.stringify({ version: 1, error: `the answer is too large to send (over ${MAX_ANSWER_CHARS} characters)`, more: options.listHint ?? 'ask for less' });
}

function fitList(answer: Record<string, unknown>, key: string, list: readonly unknown[], hint: string): string {
  let low = 0;
  let high = list.length;
  const render = (n: number): string => JSON.stringify({ ...answer, [key]: list.slice(0, n), omitted: list.length - n, more: hint });
  // The longest prefix that fits, by bisection: each render is the whole answer.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (render(mid).length <= MAX_ANSWER_CHARS) low = mid;
    else high = mid - 1;
  }
  return render(low);
}
