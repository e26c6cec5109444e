// Bad input never stops an import: a torn last line waits for the next read, and a line that is
// not JSON or has the wrong types is reported with its file and line while the rest imports.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { lineEnds, parseFile, projection, scratchFile, sumUsage } from './helpers.js';

const SOURCE = sharedTranscript('codex', 'codex_agtrace_codex_session_v0.66.0.jsonl');
const TS = '2025-12-09T19:55:40.000Z';

/** Random bytes without a newline, from a fixed seed. */
function noise(length: number, seed: number): Buffer {
  let state = seed;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const byte = state >>> 24;
    bytes[i] = byte === 10 ? 11 : byte;
  }
  return bytes;
}

interface MutationRow {
  readonly name: string;
  readonly line: Buffer | string;
  /** Words the warning names. */
  readonly says: string;
}

const MUTATIONS: readonly MutationRow[] = [
  { name: 'random bytes', line: noise(200, 7), says: 'not JSON' },
  { name: 'a JSON array', line: '[1, 2, 3]', says: 'not a JSON object' },
  { name: 'a numeric type', line: JSON.stringify({ timestamp: TS, type: 7, payload: {} }), says: "'type'" },
  { name: 'a string payload', line: JSON.stringify({ timestamp: TS, type: 'response_item', payload: 'oops' }), says: 'payload' },
  { name: 'a payload without a type', line: JSON.stringify({ timestamp: TS, type: 'event_msg', payload: { message: 'hi' } }), says: "no 'type'" },
  { name: 'a numeric call_id', line: JSON.stringify({ timestamp: TS, type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: '{}', call_id: 42 } }), says: 'call_id' },
  { name: 'an output without call_id', line: JSON.stringify({ timestamp: TS, type: 'response_item', payload: { type: 'function_call_output', output: 'x' } }), says: 'call_id' },
  { name: 'a message role list', line: JSON.stringify({ timestamp: TS, type: 'response_item', payload: { type: 'message', role: ['user'], content: [] } }), says: 'role' },
  { name: 'message content as a number', line: JSON.stringify({ timestamp: TS, type: 'response_item', payload: { type: 'message', role: 'assistant', content: 5 } }), says: 'content' },
  { name: 'a user_message object', line: JSON.stringify({ timestamp: TS, type: 'event_msg', payload: { type: 'user_message', message: { text: 'hi' } } }), says: 'message' },
  { name: 'token counts as strings', line: JSON.stringify({ timestamp: TS, type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 'many' } } } }), says: 'input_tokens' },
  { name: 'a string exit code', line: JSON.stringify({ timestamp: TS, type: 'event_msg', payload: { type: 'exec_command_end', call_id: 'c', exit_code: 'zero' } }), says: 'exit_code' },
  { name: 'a reasoning summary string', line: JSON.stringify({ timestamp: TS, type: 'response_item', payload: { type: 'reasoning', summary: 'thinking' } }), says: 'summary' },
  { name: 'a numeric model', line: JSON.stringify({ timestamp: TS, type: 'turn_context', payload: { model: 5 } }), says: 'model' },
  { name: 'a timestamp that is no date', line: JSON.stringify({ timestamp: 'yesterday', type: 'event_msg', payload: { type: 'agent_message', message: 'x' } }), says: 'timestamp' },
];

/** The source with `extra` inserted as a new line after line `after`. */
function withLineInserted(extra: Buffer | string, after: number): string {
  const bytes = readFileSync(SOURCE);
  const at = lineEnds(SOURCE)[after - 1] ?? bytes.length;
  const file = scratchFile();
  writeFileSync(file, Buffer.concat([bytes.subarray(0, at), Buffer.from(extra), Buffer.from('\n'), bytes.subarray(at)]));
  return file;
}

for (const row of MUTATIONS) {
  test(`a line with ${row.name} is reported with file and line, and the rest imports`, { skip: skipWithoutShared }, async () => {
    const clean = await parseFile(SOURCE, null);
    // After line 24 the first turn is over: no record of the session depends on what follows.
    const file = withLineInserted(row.line, 24);
    const { result, warnings } = await parseFile(file, null);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0]?.file, file);
    assert.equal(warnings[0]?.line, 25);
    assert.match(warnings[0]?.message ?? '', new RegExp(row.says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(result.stats.badLines, 1);
    assert.equal(result.stats.lines, clean.result.stats.lines + 1);
    assert.deepEqual(projection(result.steps), projection(clean.result.steps));
    assert.deepEqual(sumUsage(result.steps), sumUsage(clean.result.steps));
  });
}

test('every mutation at once: one warning per bad line, in order, and the rest imports', { skip: skipWithoutShared }, async () => {
  const clean = await parseFile(SOURCE, null);
  const bytes = readFileSync(SOURCE);
  const file = scratchFile();
  writeFileSync(file, Buffer.concat([...MUTATIONS.flatMap((m) => [Buffer.from(m.line), Buffer.from('\n')]), bytes]));
  const { result, warnings } = await parseFile(file, null);
  // The first line is garbage: the session id still comes from session_meta, now on a later line.
  assert.deepEqual(warnings.map((w) => w.line), MUTATIONS.map((_, i) => i + 1));
  assert.equal(result.session.id, clean.result.session.id);
  assert.deepEqual(projection(result.steps), projection(clean.result.steps));
});

test('a torn last line is left for the next read, without a warning', { skip: skipWithoutShared }, async () => {
  const bytes = readFileSync(SOURCE);
  const ends = lineEnds(SOURCE);
  const whole = await parseFile(SOURCE, null);
  const cleanEnd = ends[29] ?? 0;
  const file = scratchFile();
  writeFileSync(file, bytes.subarray(0, cleanEnd + 40));
  const torn = await parseFile(file, null);
  assert.deepEqual(torn.warnings, []);
  assert.equal(torn.result.checkpoint.from.offset, cleanEnd);
  assert.equal(torn.result.checkpoint.from.line, 30);
  assert.ok(torn.result.steps.every((s) => Number(s.id.split(':').pop()) <= 30 || !s.id.includes(':')));
  writeFileSync(file, bytes);
  const rest = await parseFile(file, null, torn.result.checkpoint);
  const merged = new Map([...torn.result.steps, ...rest.result.steps].map((s) => [s.id, s]));
  assert.deepEqual([...merged.values()].sort((a, b) => a.id.localeCompare(b.id)), [...whole.result.steps].sort((a, b) => a.id.localeCompare(b.id)));
});

test('unknown kinds, even ones named like object properties, are counted and never called', async () => {
  const file = scratchFile();
  const kinds = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  writeFileSync(file, kinds.flatMap((k) => [JSON.stringify({ timestamp: TS, type: k, payload: {} }), JSON.stringify({ timestamp: TS, type: 'event_msg', payload: { type: k } })]).join('\n') + '\n');
  const { result, warnings } = await parseFile(file, null);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.steps, []);
  for (const k of kinds) {
    assert.equal(Object.getOwnPropertyDescriptor(result.stats.skipped, k)?.value, 1, k);
    assert.equal(result.stats.skipped[`event_msg/${k}`], 1, `event_msg/${k}`);
  }
});

test('a checkpoint state that is not ours is ignored, not fatal', { skip: skipWithoutShared }, async () => {
  const whole = await parseFile(SOURCE, null);
  for (const state of [null, 42, 'x', { v: 99 }, { v: 1, steps: 'no', open: [{}], totals: { input: 'x' } }]) {
    const { result } = await parseFile(SOURCE, null, { from: { offset: 0, line: 0 }, state });
    assert.deepEqual(result.steps, whole.result.steps);
  }
});
