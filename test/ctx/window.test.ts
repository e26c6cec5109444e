import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextAt } from '../../lib/ctx/window.js';
import type { IndexedStep, Step } from '../../lib/model/step.js';
import { sharedTranscript, skipWithoutShared } from '../helpers/paths.js';
import { tempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

function indexed(steps: Step[]): IndexedStep[] {
  return steps.map((s, index) => ({ ...s, index }));
}

const t = '2026-11-20T10:00:00.000Z';
const steps = indexed([
  { v: 1, id: 'p0', kind: 'prompt', timestamp: t, text: 'before the compaction' },
  { v: 1, id: 'c1', kind: 'compaction', timestamp: t, text: 'summary of what came before', trigger: 'auto' },
  { v: 1, id: 'p2', kind: 'prompt', timestamp: t, text: 'after it' },
  { v: 1, id: 's3', kind: 'message', timestamp: t, text: 'subagent talk', sidechain: { agentId: 'a1' } },
  { v: 1, id: 't4', kind: 'tool', timestamp: t, tool: { name: 'Read', input: { file_path: 'x.ts' }, output: 'code', status: 'ok', reads: ['x.ts'] } },
  { v: 1, id: 'm5', kind: 'message', timestamp: t, text: 'done' },
]);

test('the window starts at the last compaction and keeps to the step’s own thread', () => {
  const ctx = contextAt(steps, [{ kind: 'system-prompt', text: 'be brief' }, { kind: 'instructions', text: 'later rules', fromStepId: 'm5' }], 5);
  assert.equal(ctx.windowStart, 1);
  assert.deepEqual(ctx.window.map((s) => s.id), ['c1', 'p2', 't4']);
  assert.deepEqual(ctx.filesRead, [{ path: 'x.ts', step: 4 }]);
  assert.deepEqual(ctx.items.map((i) => i.text), ['be brief', 'later rules']);
  assert.deepEqual(contextAt(steps, [{ kind: 'instructions', text: 'later rules', fromStepId: 'm5' }], 4).items, []);
  assert.deepEqual(contextAt(steps, [], 0).window, []);
  assert.deepEqual(contextAt(steps, [], 3).window.map((s) => s.id), [], 'a subagent sees only its own thread');
});

test('show --step N --ctx prints the system prompt a Codex rollout recorded, stored once', { skip: skipWithoutShared }, () => {
  testIdentityFile();
  const r = tempRepo();
  try {
    assert.equal(r.trace(['init']).status, 0);
    const file = sharedTranscript('codex', 'codex_external-agents_c3b191fe1158_v0.123.0.jsonl');
    assert.equal(r.trace(['import', file]).status, 0);
    const result = r.trace(['show', '--json', '--step', '3', '--ctx', '019dbcc1']);
    assert.equal(result.status, 0, result.stderr);
    const { ctx } = JSON.parse(result.stdout) as { ctx: { items: { kind: string; text: string }[]; window: { index: number }[] } };
    assert.ok(ctx.items.some((i) => i.kind === 'system-prompt' && i.text.length > 1000));
    assert.deepEqual(ctx.window.map((s) => s.index), [0, 1, 2]);
    const blobs = (): number => r.git('ls-tree', '-r', '--name-only', 'refs/opentraces/sessions/019dbcc1-3812-72e1-9caa-f97edd88215b').split('\n').filter((p) => p.startsWith('ctx/')).length;
    const before = blobs();
    assert.ok(before >= 1);
    // A second copy of the same rollout: same ctx items, no new ctx blob.
    const copy = join(r.dir, '..', `copy-${process.pid}.jsonl`);
    copyFileSync(file, copy);
    assert.equal(r.trace(['import', copy]).status, 0);
    assert.equal(blobs(), before);
    const text = r.trace(['show', '--step', '3', '--ctx', '019dbcc1']);
    assert.match(text.stdout, /^== system-prompt ==$/m);
    assert.match(text.stdout, /^== window: 3 steps since the start ==$/m);
  } finally {
    r.cleanup();
  }
});
