// Incremental import: a rollout parsed while it grows, resuming each time from the previous
// checkpoint, ends with the same steps, ctx and usage as one parse of the whole file.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { FIXTURES } from './fixture-table.js';
import { lineEnds, parseFile, parseGrowing, sumUsage } from './helpers.js';

/** Deterministic pseudo-random numbers, so a failing cut can be reproduced. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

for (const row of FIXTURES) {
  const file = sharedTranscript('codex', row.name);

  test(`${row.name}: parsing after every line gives the same steps, ctx and usage as one parse`, { skip: skipWithoutShared }, async () => {
    const whole = await parseFile(file, row.repoRoot);
    const sliced = await parseGrowing(file, lineEnds(file), row.repoRoot);
    assert.deepEqual(sliced.steps, whole.result.steps);
    assert.deepEqual(sliced.context, whole.result.context);
    assert.deepEqual(sumUsage(sliced.steps), sumUsage(whole.result.steps));
    assert.equal(sliced.warnings.length, whole.warnings.length);
  });

  test(`${row.name}: cuts inside lines (torn last lines) resume to the same result`, { skip: skipWithoutShared }, async () => {
    const size = readFileSync(file).length;
    const random = seeded(size);
    const cuts = Array.from({ length: 12 }, () => Math.floor(random() * size)).sort((a, b) => a - b);
    const whole = await parseFile(file, row.repoRoot);
    const sliced = await parseGrowing(file, cuts, row.repoRoot);
    assert.deepEqual(sliced.steps, whole.result.steps);
    assert.deepEqual(sliced.context, whole.result.context);
    assert.deepEqual(sliced.warnings.map((w) => w.line), whole.warnings.map((w) => w.line));
  });
}

test('a resumed parse reads only what was appended', { skip: skipWithoutShared }, async () => {
  const file = sharedTranscript('codex', 'codex_agtrace_codex_session_v0.66.0.jsonl');
  const first = await parseFile(file, null);
  const again = await parseFile(file, null, first.result.checkpoint);
  assert.deepEqual(again.result.steps, []);
  assert.equal(again.result.stats.lines, 0);
  assert.equal(again.result.checkpoint.from.offset, readFileSync(file).length);
  assert.equal(again.result.session.id, first.result.session.id);
});
