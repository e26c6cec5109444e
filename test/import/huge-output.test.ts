// `git trace import` of a transcript with a huge tool output (an agent that cat'ed a big log):
// the output is stored capped, its head and tail around a marker, the cut recorded on the step,
// and the lines after it imported; a line far larger than the heap imports all the same.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IndexedStep } from '../../lib/model/step.js';
import { HUGE_CALL, HUGE_SESSION, logText, outputParts, writeHugeOutputTranscript } from '../helpers/huge-output.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const MiB = 1 << 20;

function importHuge(r: TempRepo, output: string, env: Record<string, string> = {}): ReturnType<TempRepo['trace']> {
  const file = join(r.dir, '..', `huge-${process.pid}-${output.length}.jsonl`);
  try {
    writeHugeOutputTranscript(file, r.dir, output);
    return r.trace(['import', '--json', file], { env });
  } finally {
    rmSync(file, { force: true });
  }
}

function steps(r: TempRepo): IndexedStep[] {
  const shown = r.trace(['show', '--json', HUGE_SESSION]);
  assert.equal(shown.status, 0, shown.stderr);
  return (JSON.parse(shown.stdout) as { steps: IndexedStep[] }).steps;
}

describe('importing a transcript with a huge tool output', () => {
  const rows = [
    { name: 'a 1 MiB output, in a line short enough to parse whole', bytes: MiB },
    { name: 'a 12 MiB output, twice in one 24 MiB line', bytes: 12 * MiB },
  ];
  for (const row of rows) {
    test(`stores ${row.name} capped, records the cut, and imports the lines after it`, () => {
      testIdentityFile();
      const r = tempRepo();
      try {
        assert.equal(r.trace(['init']).status, 0);
        const output = logText(row.bytes);
        const result = importHuge(r, output);
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stderr, '');
        const stored = steps(r);
        assert.deepEqual(stored.map((s) => s.kind), ['prompt', 'tool', 'message', 'prompt']);
        const tool = stored[1];
        assert.ok(tool?.kind === 'tool');
        assert.equal(tool.tool.callId, HUGE_CALL);
        assert.equal(tool.tool.status, 'ok');
        assert.equal(tool.tool.exitCode, 0);
        const { head, tail, leftOut } = outputParts(tool.tool.output ?? '');
        assert.ok(head.length > 0 && output.startsWith(head), 'the output starts as the original does');
        assert.ok(tail.length > 0 && output.endsWith(tail), 'and ends as it does');
        assert.equal(leftOut, Buffer.byteLength(output) - Buffer.byteLength(head) - Buffer.byteLength(tail));
        assert.deepEqual(tool.tool.truncated, { bytes: leftOut });
        assert.equal(stored[3]?.kind === 'prompt' ? stored[3].text : undefined, 'thanks, now look at the errors');
      } finally {
        r.cleanup();
      }
    });
  }

  // The heap limit is below one copy of the line as a string (its text is not all ASCII, so V8
  // holds it at two bytes a character) and far above what the import needs (under 24 MiB when
  // this was written): the import passes only if it never holds the line whole.
  test('imports a 64 MiB line with a heap limit of 96 MiB', () => {
    testIdentityFile();
    const r = tempRepo();
    try {
      assert.equal(r.trace(['init']).status, 0);
      const result = importHuge(r, logText(32 * MiB), { NODE_OPTIONS: '--max-old-space-size=96' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(steps(r).length, 4);
    } finally {
      r.cleanup();
    }
  });
});
