// Gathering a JSON text chunk by chunk: kept byte for byte up to LONG_JSON_BYTES; past it, each
// long string keeps its head and tail around a marker, cut between characters whatever escapes
// or UTF-8 sequences stand there, and wherever the chunks break.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonBytes, LONG_JSON_BYTES } from '../../lib/agents/json-bytes.js';
import { KEEP_HEAD, KEEP_TAIL, KEEP_WHOLE } from '../../lib/model/output-cap.js';
import { logText, outputParts, wordsAcross } from '../helpers/huge-output.js';

function gather(text: string, chunk: number): Buffer {
  const bytes = Buffer.from(text);
  const json = new JsonBytes();
  for (let at = 0; at < bytes.length; at += chunk) json.add(bytes, at, Math.min(bytes.length, at + chunk));
  assert.equal(json.length, bytes.length);
  return json.bytes();
}

/** A long string: `unit` repeated until, as written in JSON (`written`, by default as JSON.stringify writes it), it is past LONG_JSON_BYTES. */
function past(unit: string, written = JSON.stringify(unit).slice(1, -1)): { big: string; written: string } {
  const times = Math.ceil((LONG_JSON_BYTES + 1) / Buffer.byteLength(written));
  return { big: unit.repeat(times), written: written.repeat(times) };
}

describe('JsonBytes', () => {
  test('keeps a text up to LONG_JSON_BYTES byte for byte, long strings and all', () => {
    const text = JSON.stringify({ output: logText(2 * KEEP_WHOLE), more: ['x'.repeat(KEEP_WHOLE * 3)] });
    assert.ok(Buffer.byteLength(text) < LONG_JSON_BYTES);
    assert.equal(gather(text, 4099).toString(), text);
  });

  const rows: { name: string; big: string; written: string }[] = [
    { name: 'log text (escapes, 2-, 3- and 4-byte characters)', ...past(logText(1 << 20)) },
    { name: 'plain ASCII', ...past('abcdefghij') },
    { name: 'escaped quotes only', ...past('"') },
    { name: '\\u escapes only', ...past('\u0001') },
    { name: 'escaped surrogate pairs, as Python writes them', ...past('🚀', '\\ud83d\\ude80') },
    { name: '4-byte characters only', ...past('🚀') },
    { name: 'backslashes only, which leave no tail that can be told apart', ...past('\\') },
  ];
  for (const row of rows) {
    for (const chunk of [4099, (1 << 20) + 3]) {
      test(`cuts a long string of ${row.name}, in chunks of ${chunk} bytes, and keeps the rest`, () => {
        const short = 'x'.repeat(KEEP_WHOLE);
        const text = `{"before":"kept as it is","big":"${row.written}","short":"${short}","after":[42,true,null]}`;
        const parsed = JSON.parse(gather(text, chunk).toString()) as { before: string; big: string; short: string; after: unknown };
        assert.equal(parsed.before, 'kept as it is');
        assert.equal(parsed.short, short, 'a string up to KEEP_WHOLE bytes is kept whole');
        assert.deepEqual(parsed.after, [42, true, null]);
        const { head, tail, leftOut } = outputParts(parsed.big);
        assert.ok(row.big.startsWith(head), 'the head is where the string starts');
        assert.ok(row.big.endsWith(tail), 'the tail is where the string ends');
        assert.equal(leftOut, Buffer.byteLength(row.big) - Buffer.byteLength(head) - Buffer.byteLength(tail));
        assert.equal(Buffer.from(head).toString(), head, 'no surrogate pair split in the head');
        assert.equal(Buffer.from(tail).toString(), tail, 'no surrogate pair split in the tail');
        assert.ok(head.length > 0 && head.length <= KEEP_HEAD);
        assert.ok(tail.length <= KEEP_TAIL);
      });
    }
  }

  test('cuts at whitespace, so no word across a cut point is split', () => {
    const length = LONG_JSON_BYTES + 1;
    const big = wordsAcross(length, [KEEP_HEAD, length - KEEP_TAIL]);
    const parsed = JSON.parse(gather(JSON.stringify({ big }), 1 << 20).toString()) as { big: string };
    const { head, tail, leftOut } = outputParts(parsed.big);
    assert.ok(big.startsWith(head) && big.endsWith(tail));
    assert.equal(leftOut, big.length - head.length - tail.length);
    assert.ok(!head.includes('SECRET') && !tail.includes('SECRET'), 'the words across the cuts are left out whole');
    assert.ok(head.length > KEEP_HEAD - 100 && tail.length > KEEP_TAIL - 100);
  });

  test('cuts after a line break when there is one near', () => {
    const log = logText(LONG_JSON_BYTES + 1);
    const parsed = JSON.parse(gather(JSON.stringify({ log }), 1 << 20).toString()) as { log: string };
    const { head, tail } = outputParts(parsed.log);
    assert.ok(head.endsWith('\n'));
    assert.equal(log[log.length - tail.length - 1], '\n');
  });

  test('a text that ends inside a string stays not JSON', () => {
    const open = `{"big": "${'z'.repeat(LONG_JSON_BYTES + 1)}`;
    assert.throws(() => JSON.parse(gather(open, 1 << 20).toString()));
  });
});
