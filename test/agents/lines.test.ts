// Reading a transcript line by line: lines that span many 1 MiB chunks come back whole, with
// exact byte offsets, also when read from an offset; a line past LONG_JSON_BYTES comes back with
// its long strings cut, and the lines after it as they are.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LONG_JSON_BYTES } from '../../lib/agents/json-bytes.js';
import { readLines, type Line } from '../../lib/agents/lines.js';
import { logText, outputParts } from '../helpers/huge-output.js';

const MiB = 1 << 20;

async function collect(file: string, from?: { offset: number; line: number }): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of readLines(file, from)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'git-trace-lines-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('returns lines spanning many chunks whole, with their offsets, from the start and from an offset', async () => {
    const long = JSON.stringify({ output: logText(3.5 * MiB) });
    // A CRLF line whose CR ends one chunk and whose LF starts the next.
    const crStart = 2 + Buffer.byteLength(long) + 1;
    const boundary = Math.ceil((crStart + 1000) / MiB) * MiB;
    const crlf = 'c'.repeat(boundary - 1 - crStart);
    const texts = ['a', long, crlf, 'last, with no newline'];
    const content = `a\n${long}\n${crlf}\r\nlast, with no newline`;
    const file = join(dir, 'chunks.jsonl');
    writeFileSync(file, content);
    assert.equal(Buffer.from(content).indexOf('\r'), boundary - 1);

    const lines = await collect(file);
    assert.deepEqual(lines.map((l) => l.text), texts);
    assert.deepEqual(lines.map((l) => l.line), [1, 2, 3, 4]);
    assert.deepEqual(lines.map((l) => l.terminated), [true, true, true, false]);
    for (const [i, line] of lines.entries()) {
      const raw = Buffer.from(content).subarray(line.start, line.end).toString();
      assert.equal(raw.replace(/\r?\n$/, ''), texts[i], `line ${i + 1}: its offsets hold its bytes`);
      assert.equal(line.start, i === 0 ? 0 : lines[i - 1]?.end);
    }
    assert.equal(lines.at(-1)?.end, Buffer.byteLength(content));

    const third = lines[2];
    assert.ok(third !== undefined);
    const resumed = await collect(file, { offset: third.start, line: 2 });
    assert.deepEqual(resumed, lines.slice(2));
  });

  test('cuts the long strings of a line past LONG_JSON_BYTES and reads on after it', async () => {
    const output = logText(LONG_JSON_BYTES + 3 * MiB);
    const huge = JSON.stringify({ type: 'user', output });
    const file = join(dir, 'huge.jsonl');
    writeFileSync(file, `{"type":"first"}\n${huge}\n{"type":"after"}\n`);

    const lines = await collect(file);
    assert.deepEqual(lines.map((l) => l.line), [1, 2, 3]);
    const [first, cut, next] = lines;
    assert.ok(first !== undefined && cut !== undefined && next !== undefined);
    assert.equal(cut.start, first.end);
    assert.equal(cut.end, cut.start + Buffer.byteLength(huge) + 1);
    assert.equal(next.start, cut.end);
    assert.equal(next.text, '{"type":"after"}');
    const value = JSON.parse(cut.text) as { type: string; output: string };
    assert.equal(value.type, 'user');
    const { head, tail, leftOut } = outputParts(value.output);
    assert.ok(output.startsWith(head) && output.endsWith(tail));
    assert.equal(leftOut, Buffer.byteLength(output) - Buffer.byteLength(head) - Buffer.byteLength(tail));
  });
});
