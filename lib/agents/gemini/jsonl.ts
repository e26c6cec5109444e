// Gemini JSONL sessions (≈ v0.40+, upstream `chatRecordingService.ts`), streamed from the
// checkpoint's offset. Record kinds, told apart as upstream's loader does:
//   {"$rewindTo": id}   delete that message and every later one (a rewind to an id that is not
//                       live clears the session, as upstream does)
//   {id, type, …}       a message; a later line with the same id replaces it in place
//   {"$set": {…}}       merge into the metadata; `$set.messages` is a full checkpoint: rebuild
//   {sessionId, …}      metadata (line 1)
// Reading from the start of a file that has checkpoint state (the file was rewritten) is a
// rebuild too: messages the new text no longer holds are withdrawn.

import { stat } from 'node:fs/promises';
import { eachJsonLine, type JsonLine, type ReadFrom } from '../lines.js';
import { asString, isRecord, type JsonRecord } from '../../model/json.js';
import type { ParseOptions, ParseResult } from '../types.js';
import { Run } from './run.js';
import { mergeMeta, readState, Timeline, type GeminiMeta } from './timeline.js';

export async function parseJsonl(file: string, options: ParseOptions): Promise<ParseResult> {
  const size = (await stat(file)).size;
  const previous = readState(options.from?.state, 'jsonl');
  const timeline = new Timeline(previous);
  const run = new Run(file, timeline, options.repoRoot, options.warn);
  let from: ReadFrom | undefined = options.from?.from;
  if (from !== undefined && from.offset > 0 && previous === undefined) {
    run.warn(from.line, 'the checkpoint carries no Gemini state; reading the file again from the start');
    from = undefined;
  } else if (from !== undefined && from.offset > size) {
    run.warn(from.line, 'the file is shorter than at the last read (rewritten?); reading it again from the start');
    from = undefined;
  }
  const rereading = previous !== undefined && (from === undefined || from.offset === 0);
  if (rereading) timeline.beginRebuild();
  let meta: GeminiMeta = previous?.meta ?? {};
  const next = await eachJsonLine(
    file,
    from,
    (warning) => {
      run.badLines += 1;
      options.warn(warning);
    },
    (item) => {
      run.lines += 1;
      meta = applyRecord(item, run, meta);
    },
  );
  if (rereading) timeline.endRebuild();
  if (size > next.offset) run.warn(next.line + 1, 'the last line is incomplete (being written, or the file was cut); it is left for the next read');
  const state = timeline.state('jsonl', meta);
  if (state.withdrawn.length > 0) run.skip('withdrawn', state.withdrawn.length);
  return { session: run.session(meta), steps: timeline.steps(), context: [], checkpoint: { from: next, state }, stats: run.stats() };
}

function applyRecord(line: JsonLine, run: Run, meta: GeminiMeta): GeminiMeta {
  const record = line.value;
  if (!isRecord(record)) {
    run.bad(line.line, 'not a JSON object');
    return meta;
  }
  if ('$rewindTo' in record) {
    rewind(record, line.line, run);
    return meta;
  }
  if ('id' in record) {
    run.putMessage(record, () => line.line);
    return meta;
  }
  if ('$set' in record) return applySet(record['$set'], line.line, run, meta);
  if (typeof record['sessionId'] === 'string') {
    // A whole legacy document on one line carries its messages too.
    if (Array.isArray(record['messages'])) rebuild(record['messages'], line.line, run);
    return mergeMeta(meta, record);
  }
  run.skip('record/unknown');
  run.warn(line.line, `unknown record with keys ${Object.keys(record).slice(0, 5).join(', ') || '(none)'}`);
  return meta;
}

function rewind(record: JsonRecord, line: number, run: Run): void {
  const target = asString(record['$rewindTo']);
  if (target === undefined) return run.bad(line, "'$rewindTo' is not a message id");
  run.skip('rewind');
  if (run.timeline.rewindTo(target)) return;
  run.warn(line, `rewind to unknown message '${target}': the session is cleared, as Gemini does`);
  run.timeline.clear();
}

function applySet(update: unknown, line: number, run: Run, meta: GeminiMeta): GeminiMeta {
  if (!isRecord(update)) {
    run.bad(line, "'$set' is not an object");
    return meta;
  }
  const messages = update['messages'];
  if (Array.isArray(messages)) rebuild(messages, line, run);
  else if (messages !== undefined) run.warn(line, "'$set.messages' is not a list");
  return mergeMeta(meta, update);
}

function rebuild(messages: readonly unknown[], line: number, run: Run): void {
  run.timeline.beginRebuild();
  messages.forEach((value, i) => run.putMessage(value, () => line, `messages[${i}]`));
  run.timeline.endRebuild();
}
