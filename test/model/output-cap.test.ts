// Capping a huge text: head and tail kept around a marker that counts, in UTF-8 bytes, what was
// left out; a tool step records that count as `truncated`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { capText, capToolOutput, KEEP_HEAD, KEEP_TAIL, KEEP_WHOLE, SNAP_TO_SPACE } from '../../lib/model/output-cap.js';
import type { Step, ToolStep } from '../../lib/model/step.js';
import { logText, outputParts, wordsAcross } from '../helpers/huge-output.js';

/** The original's parts: the head starts it, the tail ends it, the count is what lies between. */
function assertCutFrom(original: string, capped: string): void {
  const { head, tail, leftOut } = outputParts(capped);
  assert.ok(original.startsWith(head), 'the head is where the original starts');
  assert.ok(original.endsWith(tail), 'the tail is where the original ends');
  assert.equal(leftOut, Buffer.byteLength(original) - Buffer.byteLength(head) - Buffer.byteLength(tail));
  assert.equal(Buffer.from(head).toString(), head, 'no surrogate pair split in the head');
  assert.equal(Buffer.from(tail).toString(), tail, 'no surrogate pair split in the tail');
}

describe('capText', () => {
  const rows: { name: string; text: string }[] = [
    { name: 'a megabyte of log with 2-, 3- and 4-byte characters', text: logText(1 << 20) },
    { name: 'a surrogate pair across both cut points', text: `${'a'.repeat(KEEP_HEAD - 1)}🚀${'b'.repeat(KEEP_WHOLE)}🚀${'c'.repeat(KEEP_TAIL - 1)}` },
    { name: 'just over the whole size', text: 'x'.repeat(KEEP_WHOLE + 1) },
  ];
  for (const row of rows) {
    test(`keeps the head and tail of ${row.name}, and counts the bytes between`, () => {
      const capped = capText(row.text);
      assert.ok(capped.text.length <= KEEP_WHOLE);
      assert.ok(capped.text.length >= KEEP_HEAD + KEEP_TAIL - 2 * SNAP_TO_SPACE);
      assertCutFrom(row.text, capped.text);
      assert.equal(capped.leftOut, outputParts(capped.text).leftOut);
    });
  }

  test('cuts at whitespace, so no word across a cut point is split', () => {
    const length = 4 * KEEP_WHOLE;
    const text = wordsAcross(length, [KEEP_HEAD, length - KEEP_TAIL]);
    const { head, tail } = outputParts(capText(text).text);
    assertCutFrom(text, capText(text).text);
    assert.ok(!head.includes('SECRET') && !tail.includes('SECRET'), 'the words across the cuts are left out whole');
    assert.ok(head.length > KEEP_HEAD - 100 && tail.length > KEEP_TAIL - 100);
  });

  test('cuts after a line break when there is one near', () => {
    const text = logText(1 << 20);
    const { head, tail } = outputParts(capText(text).text);
    assert.ok(head.endsWith('\n'));
    assert.equal(text[text.length - tail.length - 1], '\n');
  });

  test('keeps a text up to the whole size as it is', () => {
    const text = 'y'.repeat(KEEP_WHOLE);
    assert.deepEqual(capText(text), { text, leftOut: 0 });
  });

  test('capping a capped text changes nothing', () => {
    const once = capText(logText(1 << 20));
    assert.deepEqual(capText(once.text), once);
  });

  test('a cut that takes out an earlier marker counts what that marker stood for', () => {
    const inner = logText(1 << 20);
    const original = `${'p'.repeat(KEEP_HEAD)}${inner}${'q'.repeat(KEEP_TAIL + 10)}`;
    const nested = `${'p'.repeat(KEEP_HEAD)}${capText(inner).text}${'q'.repeat(KEEP_TAIL + 10)}`;
    assertCutFrom(original, capText(nested).text);
  });
});

describe('capToolOutput', () => {
  const tool = (output: string): ToolStep => ({ v: 1, id: 't1', kind: 'tool', timestamp: null, tool: { name: 'Bash', input: { command: 'cat big.log' }, output, status: 'ok', exitCode: 0 } });

  test('records the cut of a long output as truncated, in bytes', () => {
    const output = logText(1 << 20);
    const capped = capToolOutput(tool(output));
    assert.equal(capped.kind, 'tool');
    if (capped.kind !== 'tool') return;
    assertCutFrom(output, capped.tool.output ?? '');
    assert.deepEqual(capped.tool.truncated, { bytes: outputParts(capped.tool.output ?? '').leftOut });
    assert.equal(capped.tool.exitCode, 0);
  });

  test('leaves a short output and a step without one as they are', () => {
    const short = tool('ok\n');
    assert.equal(capToolOutput(short), short);
    const prompt: Step = { v: 1, id: 'p1', kind: 'prompt', timestamp: null, text: 'x'.repeat(KEEP_WHOLE * 2) };
    assert.equal(capToolOutput(prompt), prompt);
  });
});
