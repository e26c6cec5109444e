// Patches built from before/after texts apply with `git apply` and give the after text, for
// edits anywhere in a file (the diff is computed on the changed region only).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { changedRegion, patchFromTexts } from '../../lib/model/patch.js';

function lines(n: number, prefix: string): string {
  return Array.from({ length: n }, (_, i) => `${prefix} line ${i + 1}\n`).join('');
}

const cases: { name: string; before: string | null; after: string | null }[] = [
  { name: 'one line changed in the middle of a long file', before: lines(500, 'a'), after: lines(500, 'a').replace('a line 250\n', 'changed 250\n') },
  { name: 'lines inserted at the start', before: lines(50, 'b'), after: `new 1\nnew 2\n${lines(50, 'b')}` },
  { name: 'lines appended at the end', before: lines(50, 'c'), after: `${lines(50, 'c')}tail\n` },
  { name: 'no newline at the end, last line changed', before: 'x\ny\nz', after: 'x\ny\nzz' },
  { name: 'a newline added at the end', before: 'x\ny', after: 'x\ny\n' },
  { name: 'two distant changes', before: lines(300, 'd'), after: lines(300, 'd').replace('d line 10\n', 'ten\n').replace('d line 290\n', 'two ninety\n') },
  { name: 'a new file', before: null, after: 'hello\nworld\n' },
  { name: 'a deleted file', before: 'bye\n', after: null },
];

for (const row of cases) {
  test(`patchFromTexts: ${row.name}: git apply gives the after text`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-trace-patch-'));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    if (row.before !== null) writeFileSync(join(dir, 'f.txt'), row.before);
    const patch = patchFromTexts({ path: 'f.txt', before: row.before, after: row.after, origin: 'reported' });
    assert.ok(patch !== null);
    writeFileSync(join(dir, 'p.diff'), patch.diff);
    execFileSync('git', ['apply', 'p.diff'], { cwd: dir });
    if (row.after === null) assert.throws(() => readFileSync(join(dir, 'f.txt')));
    else assert.equal(readFileSync(join(dir, 'f.txt'), 'utf8'), row.after);
  });
}

test('changedRegion keeps only the changed lines and their context', () => {
  const region = changedRegion(lines(100, 'e'), lines(100, 'e').replace('e line 50\n', 'fifty\n'), 3);
  assert.equal(region.skipped, 46);
  assert.equal(region.before.split('\n').length - 1, 7);
  assert.match(region.after, /^e line 47\ne line 48\ne line 49\nfifty\ne line 51\n/);
});
