// Huge tool outputs, for the tests and the bench: megabytes of log text, what an agent gets when
// it cats a big log, and a Claude Code transcript that carries one. The transcript's huge line
// is written in pieces, so the writer never holds it as one string; the text itself is held.

import { closeSync, openSync, writeSync } from 'node:fs';
import { markedBytes } from '../../lib/model/output-cap.js';

export const HUGE_SESSION = '5d0c9e2a-7f41-4b6e-9c3d-2a1b0e9f8d7c';
export const HUGE_CALL = 'toolu_01HugeLogCatHugeLogCat';

/**
 * At least `bytes` of log text: lines with what JSON escapes (quotes, backslashes, tabs) and 2-,
 * 3- and 4-byte characters, in a block of 4096 lines repeated (cheap to make at any size).
 */
export function logText(bytes: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 4096; i++) {
    const time = `${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    lines.push(`2026-01-20T08:${time}Z worker-${i % 17}\t"GET /api/items?page=${i}" 200 café ✓ C:\\tmp\\job-${i} 🚀 ${i % 997} ms\n`);
  }
  const block = lines.join('');
  return block.repeat(Math.ceil(bytes / Buffer.byteLength(block)));
}

/** ASCII words of `length` characters in all, with a 40-character word `SECRET…` across each of `across`. */
export function wordsAcross(length: number, across: readonly number[]): string {
  const chars = Buffer.from('lorem ipsum dolor sit amet '.repeat(Math.ceil(length / 27)).slice(0, length));
  for (const at of across) chars.write(` SECRET${'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH'.slice(0, 32)} `, at - 20, 'latin1');
  return chars.toString('latin1');
}

/** What a stored output keeps of the original: its head, its tail, and what the marker says went between. */
export interface OutputParts {
  readonly head: string;
  readonly tail: string;
  readonly leftOut: number;
}

/** Split a capped output at its one marker; throws when there is not exactly one. */
export function outputParts(output: string): OutputParts {
  const markers = [...output.matchAll(/\n\[git-trace: (\d+) bytes left out\]\n/g)];
  const marker = markers[0];
  if (markers.length !== 1 || marker === undefined || marker.index === undefined) throw new Error(`expected one marker, found ${markers.length}`);
  return { head: output.slice(0, marker.index), tail: output.slice(marker.index + marker[0].length), leftOut: markedBytes(output) };
}

type Json = Record<string, unknown>;

/**
 * A Claude Code session: a prompt, a Bash call, its result carrying `output` twice as Claude
 * Code writes it (the tool_result's content and toolUseResult.stdout), a reply and a prompt.
 */
export function writeHugeOutputTranscript(path: string, cwd: string, output: string): void {
  let clock = Date.parse('2026-01-20T08:00:00.000Z');
  const record = (type: string, uuid: string, message: Json, extra: Json = {}): Json => {
    clock += 1000;
    return { parentUuid: null, isSidechain: false, userType: 'external', cwd, sessionId: HUGE_SESSION, version: '2.1.12', gitBranch: 'main', type, message, uuid, timestamp: new Date(clock).toISOString(), ...extra };
  };
  const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const assistant = (uuid: string, content: Json[]): Json =>
    record('assistant', uuid, { model: 'claude-opus-4-5-20251101', id: `msg_${uuid}`, type: 'message', role: 'assistant', content, usage }, { requestId: `req_${uuid}` });
  const fd = openSync(path, 'w');
  try {
    const line = (value: Json): void => void writeSync(fd, `${JSON.stringify(value)}\n`);
    line(record('user', 'u1', { role: 'user', content: 'show me the worker log' }));
    line(assistant('a1', [{ type: 'tool_use', id: HUGE_CALL, name: 'Bash', input: { command: 'cat logs/worker.log', description: 'Show the worker log' } }]));
    const hole = '\u0000output\u0000';
    const result = record(
      'user',
      'r1',
      { role: 'user', content: [{ tool_use_id: HUGE_CALL, type: 'tool_result', content: hole, is_error: false }] },
      { toolUseResult: { stdout: hole, stderr: '', interrupted: false, isImage: false } },
    );
    const literal = jsonLiteral(output);
    JSON.stringify(result)
      .split(JSON.stringify(hole))
      .forEach((piece, i) => {
        if (i > 0) for (const part of literal) writeSync(fd, part);
        writeSync(fd, piece);
      });
    writeSync(fd, '\n');
    line(assistant('a2', [{ type: 'text', text: 'The log ends with a clean shutdown.' }]));
    line(record('user', 'u2', { role: 'user', content: 'thanks, now look at the errors' }));
  } finally {
    closeSync(fd);
  }
}

const PIECE = 1 << 20;

/** `text` as a JSON string, in pieces of about PIECE characters. */
function jsonLiteral(text: string): Buffer[] {
  const parts = [Buffer.from('"')];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + PIECE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(Buffer.from(JSON.stringify(text.slice(at, end)).slice(1, -1)));
    at = end;
  }
  parts.push(Buffer.from('"'));
  return parts;
}
