// The excerpt of a prompt: its first lines, cut near a word boundary, never inside a marker.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXCERPT_CHARS, excerptOf } from '../../lib/trail/pr-egress.js';

test('a short prompt is its own excerpt; a long one is cut at a space within the limit', () => {
  assert.equal(excerptOf('fix the parser'), 'fix the parser');
  const long = 'word '.repeat(200);
  const cut = excerptOf(long);
  assert.ok(cut.length <= EXCERPT_CHARS && cut.length > EXCERPT_CHARS / 2, String(cut.length));
  assert.match(cut, /word$/);
});

test('only the first four lines are kept', () => {
  assert.equal(excerptOf('a\nb\nc\nd\ne\nf'), 'a\nb\nc\nd');
});

test('a redaction marker the limit falls inside is dropped whole, not cut in two', () => {
  for (const before of [10, 3, 1]) {
    const text = `${'x'.repeat(EXCERPT_CHARS - before)} [REDACTED:github-token] and more`;
    const cut = excerptOf(text);
    assert.equal(cut.includes('['), false, `${before}: ${cut.slice(-20)}`);
    assert.ok(cut.startsWith('xxx'));
  }
});
