// The watcher's journal format: records written by journalRecord read back by parseJournal,
// byte offsets included (paths are not ASCII), a trailing partial record left for later.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { journalRecord, parseJournal } from '../../lib/capture/watch-journal.js';

test('records round-trip, with byte offsets, and a partial record is left unread', () => {
  const whole = [journalRecord('path', 'src/é.ts'), journalRecord('cookie', '12-ab'), journalRecord('reset', ''), journalRecord('path', 'a b/c')].join('');
  const bytes = Buffer.from(`${whole}pdocs/ha`);
  const { records, consumed } = parseJournal(bytes);
  assert.deepEqual(records, [
    { kind: 'path', text: 'src/é.ts' },
    { kind: 'cookie', text: '12-ab' },
    { kind: 'reset', text: '' },
    { kind: 'path', text: 'a b/c' },
  ]);
  assert.equal(consumed, Buffer.byteLength(whole));
  assert.deepEqual(parseJournal(bytes.subarray(consumed)).records, []);
});
