// Reading transcript files line by line from a byte offset. Shared by every adapter.
//
// Rules: files are live (the agent may be writing), so a last line without a newline that does
// not parse is "torn": it is not returned and the resume offset stays before it. Lines are split
// on bytes, so offsets are exact whatever the encoding. A line that is not JSON is reported with
// its file and line number and skipped; it never stops the read. A huge line is never held
// whole: past LONG_JSON_BYTES its long strings keep only their head and tail (json-bytes.ts).

import { open } from 'node:fs/promises';
import { JsonBytes } from './json-bytes.js';

export interface Line {
  /** 1-based line number in the file. */
  readonly line: number;
  /** Byte offset of the line's first byte. */
  readonly start: number;
  /** Byte offset just past the line's newline (or past its last byte when unterminated). */
  readonly end: number;
  readonly text: string;
  /** False only for a last line with no newline after it (possibly torn). */
  readonly terminated: boolean;
}

export interface JsonLine extends Line {
  readonly value: unknown;
}

export interface LineWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ReadFrom {
  /** Byte offset to start at (the start of a line). */
  readonly offset: number;
  /** Line number of the line at `offset`, minus one. */
  readonly line: number;
}

const CHUNK = 1 << 20;

/**
 * Yield complete lines from `from.offset`. An unterminated last line is yielded with `end` at EOF.
 * A line longer than LONG_JSON_BYTES is taken for JSON: its long strings come back cut to their
 * head and tail (json-bytes.ts), so a huge line costs what is kept of it, not its size.
 */
export async function* readLines(file: string, from: ReadFrom = { offset: 0, line: 0 }): AsyncGenerator<Line> {
  const handle = await open(file, 'r');
  try {
    let position = from.offset;
    let lineNo = from.line;
    // The start of a line that runs past the chunk it began in, gathered until its newline.
    let pending: JsonBytes | null = null;
    let pendingStart = position;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      const data = buffer.subarray(0, bytesRead);
      const chunkStart = position;
      position += bytesRead;
      let cursor = 0;
      for (;;) {
        const newline = data.indexOf(10, cursor);
        if (newline === -1) break;
        lineNo += 1;
        const end = chunkStart + newline + 1;
        if (pending === null) {
          yield { line: lineNo, start: chunkStart + cursor, end, text: decodeLine(data, cursor, newline), terminated: true };
        } else {
          pending.add(data, cursor, newline);
          const bytes = pending.bytes();
          pending = null;
          yield { line: lineNo, start: pendingStart, end, text: decodeLine(bytes, 0, bytes.length), terminated: true };
        }
        cursor = newline + 1;
      }
      if (cursor < bytesRead) {
        if (pending === null) {
          pending = new JsonBytes();
          pendingStart = chunkStart + cursor;
        }
        pending.add(data, cursor, bytesRead);
      }
    }
    if (pending !== null) {
      yield { line: lineNo + 1, start: pendingStart, end: pendingStart + pending.length, text: pending.bytes().toString('utf8'), terminated: false };
    }
  } finally {
    await handle.close();
  }
}

/** The text of `data[start, newline)`, less a CR before the newline. */
function decodeLine(data: Buffer, start: number, newline: number): string {
  const end = newline > start && data[newline - 1] === 13 ? newline - 1 : newline;
  return data.toString('utf8', start, end);
}

export interface JsonLinesResult {
  /** Where the next read should start: past the last line that was complete. */
  readonly next: ReadFrom;
}

/**
 * Yield each line parsed as JSON. Blank lines are skipped silently; a line that is not JSON is
 * reported through `warn` and skipped, except an unterminated last line that does not parse:
 * that one is torn (still being written), so it is left for the next read.
 * The generator's return value says where to resume.
 */
export async function* readJsonLines(
  file: string,
  from: ReadFrom | undefined,
  warn: (warning: LineWarning) => void,
): AsyncGenerator<JsonLine, JsonLinesResult> {
  let next: ReadFrom = from ?? { offset: 0, line: 0 };
  for await (const line of readLines(file, next)) {
    const terminated = line.terminated;
    if (line.text.trim() === '') {
      if (terminated) next = { offset: line.end, line: line.line };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line.text) as unknown;
    } catch (error) {
      if (!terminated) break;
      warn({ file, line: line.line, message: `not JSON: ${(error as Error).message}` });
      next = { offset: line.end, line: line.line };
      continue;
    }
    yield { ...line, value };
    // After an unterminated last line, the next read starts at its missing newline: count that
    // newline as the end of this same line, so later line numbers (and ids built on them) hold.
    next = { offset: line.end, line: terminated ? line.line : line.line - 1 };
  }
  return { next };
}

/**
 * Call `onLine` for every JSON line from `from` (see readJsonLines for torn and bad lines) and
 * resolve to where the next read should start: the loop every adapter needs, written once.
 */
export async function eachJsonLine(
  file: string,
  from: ReadFrom | undefined,
  warn: (warning: LineWarning) => void,
  onLine: (line: JsonLine) => void,
): Promise<ReadFrom> {
  const lines = readJsonLines(file, from, warn);
  for (;;) {
    const item = await lines.next();
    if (item.done === true) return item.value.next;
    onLine(item.value);
  }
}
