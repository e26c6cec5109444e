// The bounds of an MCP answer: long strings cut with where to read on (never inside a redaction
// marker), a list that still does not fit trimmed from its end with how many were left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bounded, cutStrings, MAX_ANSWER_CHARS, MAX_FIELD_CHARS } from '../../lib/mcp/answer.js';

const hint = (path: readonly (string | number)[], shown: number): string => `read ${path.join('.')} from ${shown}`;

test('a long string is cut with how many characters are left and where to read on', () => {
  const cut = cutStrings({ step: { text: 'x'.repeat(MAX_FIELD_CHARS + 10) } }, MAX_FIELD_CHARS, hint);
  assert.equal(cut.step.text, `${'x'.repeat(MAX_FIELD_CHARS)}\n[… cut: 10 more characters; read step.text from ${MAX_FIELD_CHARS}]`);
});

test('a cut never splits a redaction marker', () => {
  const text = `${'a'.repeat(95)}[REDACTED:github] tail`;
  const cut = cutStrings(text, 100, hint);
  assert.equal(cut, `${'a'.repeat(95)}\n[… cut: ${text.length - 95} more characters; read  from 95]`);
});

test('a list too long for one answer loses items from its end, and says how many', () => {
  const rows = Array.from({ length: 2000 }, (_, i) => ({ line: i + 1, text: `row ${i} ${'y'.repeat(40)}` }));
  const text = bounded({ version: 1, lines: rows }, { list: 'lines', listHint: 'ask for a line range', more: hint });
  assert.ok(text.length <= MAX_ANSWER_CHARS, String(text.length));
  const answer = JSON.parse(text) as { lines: { line: number }[]; omitted: number; more: string };
  assert.ok(answer.lines.length > 50);
  assert.equal(answer.lines.length + answer.omitted, 2000);
  assert.equal(answer.lines[answer.lines.length - 1]?.line, answer.lines.length);
  assert.equal(answer.more, 'ask for a line range');
});

test('an answer that fits is sent whole', () => {
  const body = { version: 1, sessions: [{ id: 'a', title: 'short' }] };
  assert.deepEqual(JSON.parse(bounded(body, { list: 'sessions', more: hint })), body);
});
