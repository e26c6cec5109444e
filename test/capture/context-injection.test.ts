// Opt-in: at session start, the Claude Code hook hands the agent what earlier sessions did on
// the files being worked on, as additionalContext; silent when disabled or nothing is relevant.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

test('SessionStart injects prior-session context only when enabled and relevant', () => {
  testIdentityFile();
  const r = tempRepo({ 'src/cli.ts': "  quiet: { type: 'boolean' },\n" });
  try {
    assert.equal(r.trace(['init']).status, 0);
    const prior = join(r.dir, '..', `prior-${process.pid}.jsonl`);
    writeFileSync(prior, [
      JSON.stringify({ type: 'session', id: 'earlier-session', agent: 'codex', startedAt: '2026-11-01T08:00:00Z' }),
      JSON.stringify({ type: 'step', v: 1, id: 'u1', kind: 'prompt', timestamp: '2026-11-01T08:00:00Z', text: 'add a --verbose flag to the CLI' }),
      JSON.stringify({ type: 'step', v: 1, id: 't1', kind: 'tool', timestamp: '2026-11-01T08:00:05Z', tool: { name: 'apply_patch', input: 'patch', output: 'Success.', status: 'ok' }, patches: [{ path: 'src/cli.ts', origin: 'reported', diff: "--- a/src/cli.ts\n+++ b/src/cli.ts\n@@ -1 +1,2 @@\n   quiet: { type: 'boolean' },\n+  verbose: { type: 'boolean' },\n" }] }),
    ].join('\n') + '\n');
    assert.equal(r.trace(['import', '--format', 'steps', prior]).status, 0);
    r.write({ 'src/cli.ts': "  quiet: { type: 'boolean' },\n  debug: true,\n" });
    const payload = JSON.stringify({ session_id: 'new-session', cwd: r.dir, hook_event_name: 'SessionStart', source: 'startup' });
    const env = { GIT_TRACE_BACKGROUND_FLUSH: '0' };

    const off = r.trace(['hook', 'claude-code'], { input: payload, env });
    assert.equal(off.status, 0);
    assert.equal(off.stdout, '', 'silent unless enabled');

    r.git('config', 'trace.injectContext', 'true');
    const on = r.trace(['hook', 'claude-code'], { input: payload, env });
    assert.equal(on.status, 0, on.stderr);
    const output = JSON.parse(on.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
    assert.equal(output.hookSpecificOutput.hookEventName, 'SessionStart');
    assert.match(output.hookSpecificOutput.additionalContext, /earlier-session/);
    assert.match(output.hookSpecificOutput.additionalContext, /src\/cli\.ts/);
    assert.ok(Buffer.byteLength(output.hookSpecificOutput.additionalContext) <= 4000);

    r.git('checkout', '-q', '--', 'src/cli.ts');
    const nothing = r.trace(['hook', 'claude-code'], { input: JSON.stringify({ session_id: 'third', cwd: r.dir, hook_event_name: 'SessionStart' }), env });
    assert.equal(nothing.stdout, '', 'nothing relevant: nothing printed');
  } finally {
    r.cleanup();
  }
});
