// Legacy Gemini sessions: one JSON document, `{sessionId, …, messages[]}`, rewritten whole on
// every update. There is no offset to resume from: every parse reads the whole file and the
// timeline returns only steps that are new or changed since the checkpoint's state. A document
// that does not parse (the agent is rewriting it, or it was cut) gives a warning and no steps,
// and the checkpoint stays where it was. A huge document is read with its long strings cut
// (json-bytes.ts).

import { isRecord } from '../../model/json.js';
import { readJsonText } from '../json-bytes.js';
import type { ParseOptions, ParseResult } from '../types.js';
import { Run } from './run.js';
import { mergeMeta, readState, Timeline, type GeminiState } from './timeline.js';

const START = { offset: 0, line: 0 } as const;

/** Parse a whole-file session, or say 'jsonl' when the file is in fact JSON lines. */
export async function parseLegacy(file: string, options: ParseOptions): Promise<ParseResult | 'jsonl'> {
  const text = await readJsonText(file);
  const previous = readState(options.from?.state, 'json');
  const timeline = new Timeline(previous);
  const run = new Run(file, timeline, options.repoRoot, options.warn);
  run.lines = lineCount(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (error) {
    if (firstLineIsObject(text)) return 'jsonl';
    const message = (error as Error).message;
    run.bad(errorLine(text, message), `not a complete JSON document (truncated, or being rewritten): ${message}`);
    return unchanged(run, previous);
  }
  if (!isRecord(doc)) {
    run.bad(1, 'not a Gemini chat: the document is not a JSON object');
    return unchanged(run, previous);
  }
  const meta = mergeMeta({}, doc);
  const messages = doc['messages'];
  if (messages !== undefined && !Array.isArray(messages)) run.warn(1, "'messages' is not a list");
  const list: readonly unknown[] = Array.isArray(messages) ? messages : [];
  timeline.beginRebuild();
  list.forEach((value, i) => run.putMessage(value, () => messageLine(text, value), `messages[${i}]`));
  timeline.endRebuild();
  const state = timeline.state('json', meta);
  if (state.withdrawn.length > 0) {
    // The agent rewrote the file without messages it had before: a rewind.
    run.skip('rewind');
    run.skip('withdrawn', state.withdrawn.length);
  }
  return { session: run.session(meta), steps: timeline.steps(), context: [], checkpoint: { from: START, state }, stats: run.stats() };
}

function unchanged(run: Run, previous: GeminiState | undefined): ParseResult {
  const state = previous ?? new Timeline().state('json', {});
  return { session: run.session(state.meta), steps: [], context: [], checkpoint: { from: START, state }, stats: run.stats() };
}

function lineCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return text.length > 0 && !text.endsWith('\n') ? count + 1 : count;
}

function lineAt(text: string, position: number): number {
  return lineCount(text.slice(0, position + 1)) || 1;
}

/** The line a JSON.parse error points at ("… at position 123"), else the last line. */
function errorLine(text: string, message: string): number {
  const match = /position (\d+)/.exec(message);
  return match?.[1] === undefined ? Math.max(1, lineCount(text)) : lineAt(text, Number(match[1]));
}

/** Where a message sits in the document, for warnings only (a search for its id). */
function messageLine(text: string, value: unknown): number {
  const id = isRecord(value) && typeof value['id'] === 'string' ? value['id'] : undefined;
  const at = id === undefined ? -1 : text.indexOf(JSON.stringify(id));
  return at === -1 ? 1 : lineAt(text, at);
}

function firstLineIsObject(text: string): boolean {
  const end = text.indexOf('\n');
  if (end === -1) return false;
  try {
    return isRecord(JSON.parse(text.slice(0, end)));
  } catch {
    return false;
  }
}
