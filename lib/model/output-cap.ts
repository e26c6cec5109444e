// How much of a huge text is kept: its head and its tail, around a marker that says how many
// bytes were left out. One policy for every way a tool's output comes in (transcript import,
// flush, hook payloads) and for the line reader that cuts huge JSON strings before parsing them.
//
// Rules: a text is cut only when it is longer than KEEP_WHOLE, so what a cut leaves is never cut
// again. A cut falls after a line break, or else a space, when there is one within SNAP_TO_SPACE,
// and never inside a surrogate pair. The marker counts UTF-8 bytes of the original text. Markers
// already in a text count as cuts (so capping twice gives the same answer); a tool output that
// prints one verbatim can fake that, which only ever sets `truncated`.

import type { Step, ToolCall } from './step.js';

// A person reading a trace looks at how a command's output starts (the command, the first error)
// and how it ends (the summary, the exit status); the megabytes between (an agent cat'ing a
// huge log) cost memory, time and storage in every clone, and tell a reader little.
/** Kept from the start of a cut text: UTF-16 units of a string, bytes of a JSON string's text. */
export const KEEP_HEAD = 64 * 1024;
/** Kept from the end of a cut text, in the same units. */
export const KEEP_TAIL = 64 * 1024;
/** A text up to this long is kept whole: head and tail, with room for the marker and its slack. */
export const KEEP_WHOLE = KEEP_HEAD + KEEP_TAIL + 4 * 1024;
/**
 * A cut moves inward to whitespace within this many units, so that it splits no word redaction
 * could judge a secret: the longest it judges (a credential, a JWT) is 8 KiB, and a longer run
 * without whitespace is a blob to it, cut or whole. Redaction runs on what is kept.
 */
export const SNAP_TO_SPACE = 8 * 1024;

/** A marker, with the newlines leftOutMarker puts around it when they are there. */
const MARKER = /\n?\[git-trace: (\d{1,15}) bytes left out\]\n?/g;

/** What stands for the cut middle of a text. */
export function leftOutMarker(bytes: number): string {
  return `\n[git-trace: ${bytes} bytes left out]\n`;
}

export interface CappedText {
  readonly text: string;
  /** UTF-8 bytes of the original left out, by this cut and by the markers already in it. */
  readonly leftOut: number;
}

/** The text, or its head and tail around a marker when it is longer than KEEP_WHOLE. */
export function capText(text: string): CappedText {
  if (text.length <= KEEP_WHOLE) return { text, leftOut: markedBytes(text) };
  let headEnd = KEEP_HEAD;
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd -= 1;
  headEnd = afterLastSpace(text, headEnd - SNAP_TO_SPACE, headEnd) ?? headEnd;
  let tailStart = text.length - KEEP_TAIL;
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart += 1;
  tailStart = afterFirstSpace(text, tailStart, tailStart + SNAP_TO_SPACE) ?? tailStart;
  const middle = text.slice(headEnd, tailStart);
  const left = Buffer.byteLength(middle, 'utf8') + markerSurplus(middle);
  const capped = detached(text.slice(0, headEnd) + leftOutMarker(left) + text.slice(tailStart));
  return { text: capped, leftOut: markedBytes(capped) };
}

/** A tool call with its output capped, and the cut recorded in `truncated`. */
export function capToolCall(tool: ToolCall): ToolCall {
  if (tool.output === undefined) return tool;
  const capped = capText(tool.output);
  return capped.leftOut === 0 ? tool : { ...tool, output: capped.text, truncated: { bytes: capped.leftOut } };
}

/** The step with its tool call capped; any other step as it is. */
export function capToolOutput(step: Step): Step {
  if (step.kind !== 'tool') return step;
  const tool = capToolCall(step.tool);
  return tool === step.tool ? step : { ...step, tool };
}

/** The bytes the markers in a text say were left out. */
export function markedBytes(text: string): number {
  if (!text.includes('[git-trace: ')) return 0;
  let bytes = 0;
  for (const match of text.matchAll(MARKER)) bytes += Number(match[1]);
  return bytes;
}

/** For a text being cut out: what its markers stand for, less the markers' own bytes. */
function markerSurplus(text: string): number {
  if (!text.includes('[git-trace: ')) return 0;
  let surplus = 0;
  for (const match of text.matchAll(MARKER)) surplus += Number(match[1]) - match[0].length;
  return surplus;
}

/**
 * A flat copy: a slice of a string, and a concatenation of slices, keep the whole original alive
 * (V8's sliced and cons strings), which would undo the cap's saving in memory.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** Just past the last line break in text[from, to), else the last space or tab; null when none. */
function afterLastSpace(text: string, from: number, to: number): number | null {
  let space: number | null = null;
  for (let i = to - 1; i >= Math.max(0, from); i--) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) return i + 1;
    if (space === null && (code === 0x20 || code === 0x09)) space = i + 1;
  }
  return space;
}

/** Just past the first line break in text[from, to), else the first space or tab; null when none. */
function afterFirstSpace(text: string, from: number, to: number): number | null {
  let space: number | null = null;
  for (let i = from; i < Math.min(to, text.length); i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) return i + 1;
    if (space === null && (code === 0x20 || code === 0x09)) space = i + 1;
  }
  return space;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
