// The hook spools a tool call's trees before and after it, not its diff: flush derives every
// call's patches from the session's snapshots, in one git process. What it stores, and what it
// does for a call whose snapshots are gone.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

interface ShownStep {
  readonly kind: string;
  readonly tool?: { readonly callId?: string };
  readonly patches?: readonly { readonly path: string; readonly origin: string; readonly diff: string }[];
}

describe('flush derives the patches of the tool calls the hooks saw', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'src/a.ts': 'export const a = 1;\n' });
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => r.cleanup());

  const shellCall = (live: LiveSession, id: string, change: () => void): void => {
    const input = { command: 'make edits' };
    live.hook('PreToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id });
    change();
    live.hook('PostToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id, tool_response: { stdout: '', stderr: '', interrupted: false } });
  };
  const spooled = (session: string): Record<string, unknown>[] =>
    readFileSync(join(r.dir, '.git', 'opentraces', 'capture', session, 'spool.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((rec) => rec['t'] === 'tool');
  const toolSteps = (session: string): ShownStep[] => {
    const shown = r.trace(['show', '--json', session]);
    assert.equal(shown.status, 0, shown.stderr);
    return (JSON.parse(shown.stdout) as { steps: ShownStep[] }).steps.filter((s) => s.kind === 'tool');
  };

  test('the spool holds the trees and no diff; the stored step has the observed patches', () => {
    const live = new LiveSession(r, 'claude-code', 'flush-patches-one', null);
    live.hook('SessionStart', { source: 'startup' });
    shellCall(live, 'toolu_edit', () => writeFileSync(join(r.dir, 'src', 'a.ts'), 'export const a = 2;\n'));
    shellCall(live, 'toolu_new', () => writeFileSync(join(r.dir, 'src', 'b.ts'), 'export const b = 1;\n'));
    shellCall(live, 'toolu_none', () => undefined);
    const records = spooled('flush-patches-one');
    assert.equal(records.length, 3);
    for (const rec of records) {
      assert.equal('patches' in rec, false, 'no diff in the spool');
      assert.match(String(rec['before']), /^[0-9a-f]{40}$/);
    }
    assert.equal(records[2]?.['before'], records[2]?.['after'], 'a call that changed nothing: one tree');

    const flushed = r.trace(['flush']);
    assert.equal(flushed.status, 0, flushed.stderr);
    assert.equal(flushed.stderr, '');
    const steps = toolSteps('flush-patches-one');
    const observed = (call: string): string[] => (steps.find((s) => s.tool?.callId === call)?.patches ?? []).filter((p) => p.origin === 'observed').map((p) => `${p.path}\n${p.diff}`);
    assert.deepEqual(observed('toolu_edit').map((p) => p.split('\n')[0]), ['src/a.ts']);
    assert.match(observed('toolu_edit')[0] ?? '', /^-export const a = 1;$/m);
    assert.match(observed('toolu_edit')[0] ?? '', /^\+export const a = 2;$/m);
    assert.deepEqual(observed('toolu_new').map((p) => p.split('\n')[0]), ['src/b.ts']);
    assert.deepEqual(observed('toolu_none'), []);
  });

  test('a call whose snapshots are gone: stored without its changes, said once, exit 0', () => {
    const live = new LiveSession(r, 'claude-code', 'flush-patches-two', null);
    live.hook('SessionStart', { source: 'startup' });
    shellCall(live, 'toolu_lost', () => writeFileSync(join(r.dir, 'src', 'a.ts'), 'export const a = 3;\n'));
    rmSync(join(r.dir, '.git', 'opentraces', 'capture', 'flush-patches-two', 'objects'), { recursive: true, force: true });
    const flushed = r.trace(['flush']);
    assert.equal(flushed.status, 0, flushed.stderr);
    const warnings = flushed.stderr.split('\n').filter((l) => l !== '');
    assert.equal(warnings.length, 1, flushed.stderr);
    assert.match(warnings[0] ?? '', /session 'flush-patches-two': the snapshots of one tool call are gone from '.*objects'; stored without what it changed/);
    const step = toolSteps('flush-patches-two').find((s) => s.tool?.callId === 'toolu_lost');
    assert.ok(step !== undefined, 'the call is stored');
    assert.deepEqual((step.patches ?? []).filter((p) => p.origin === 'observed'), []);
  });

  test('a call whose new file content is gone, beside one whose snapshots are whole: only the first loses its changes', () => {
    const live = new LiveSession(r, 'claude-code', 'flush-patches-three', null);
    live.hook('SessionStart', { source: 'startup' });
    const content = 'export const lost = "the content whose blob goes missing";\n';
    shellCall(live, 'toolu_blob_lost', () => writeFileSync(join(r.dir, 'src', 'lost.ts'), content));
    shellCall(live, 'toolu_whole', () => writeFileSync(join(r.dir, 'src', 'whole.ts'), 'export const whole = 1;\n'));
    // The trees stay; only the new file's blob leaves the session's objects.
    const blob = hashOf(content);
    rmSync(join(r.dir, '.git', 'opentraces', 'capture', 'flush-patches-three', 'objects', blob.slice(0, 2), blob.slice(2)));
    const flushed = r.trace(['flush']);
    assert.equal(flushed.status, 0, flushed.stderr);
    assert.match(flushed.stderr, /session 'flush-patches-three': the snapshots of one tool call are gone/);
    const steps = toolSteps('flush-patches-three');
    const observed = (call: string): string[] => (steps.find((s) => s.tool?.callId === call)?.patches ?? []).filter((p) => p.origin === 'observed').map((p) => p.path);
    assert.deepEqual(observed('toolu_blob_lost'), []);
    assert.deepEqual(observed('toolu_whole'), ['src/whole.ts']);
  });
});

/** A blob's id, as git computes it. */
function hashOf(content: string): string {
  const body = Buffer.from(content);
  return createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body])).digest('hex');
}
