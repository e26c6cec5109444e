// A huge tool output seen only by the hooks (no transcript to read): the hook keeps it capped
// as an import would, reading a payload far larger than what it keeps, and flush records the cut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexedStep } from '../../lib/model/step.js';
import { logText, outputParts } from '../helpers/huge-output.js';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

test('a 10 MiB Bash output seen by the hooks is stored capped, with the cut recorded', () => {
  testIdentityFile();
  const r = tempRepo();
  try {
    assert.equal(r.trace(['init']).status, 0);
    const live = new LiveSession(r, 'claude-code', 'huge-output', null);
    const stdout = logText(10 << 20);
    const call = { tool_name: 'Bash', tool_input: { command: 'cat logs/worker.log' }, tool_use_id: 'toolu_cat' };
    live.hook('SessionStart', { source: 'startup' });
    live.hook('PreToolUse', call);
    live.hook('PostToolUse', { ...call, tool_response: { stdout, stderr: '', interrupted: false, isImage: false } });
    live.hook('Stop', {});
    assert.equal(r.trace(['flush']).status, 0);

    const shown = r.trace(['show', '--json', 'huge-output']);
    assert.equal(shown.status, 0, shown.stderr);
    const step = (JSON.parse(shown.stdout) as { steps: IndexedStep[] }).steps.find((s) => s.kind === 'tool' && s.tool.callId === 'toolu_cat');
    assert.ok(step?.kind === 'tool', 'the call is stored');
    // The hook keeps the response as JSON text: its stdout holds the cut.
    const response = JSON.parse(step.tool.output ?? '') as { stdout: string };
    const { head, tail, leftOut } = outputParts(response.stdout);
    assert.ok(head.length > 0 && stdout.startsWith(head));
    assert.ok(tail.length > 0 && stdout.endsWith(tail));
    assert.equal(leftOut, Buffer.byteLength(stdout) - Buffer.byteLength(head) - Buffer.byteLength(tail));
    assert.deepEqual(step.tool.truncated, { bytes: leftOut });
  } finally {
    r.cleanup();
  }
});
