// Hook events sent the way an agent sends them: a real `git trace hook claude-code` process with
// the payload on stdin, run asynchronously so many sessions can hook at once.

import assert from 'node:assert/strict';
import type { TempRepo } from './repo.js';
import { describeRun, spawnCli } from './stress-process.js';

/** Send one event of session `sessionId`; the hook must exit 0 with nothing on stdout. */
export async function sendHook(r: TempRepo, sessionId: string, event: string, extra: Readonly<Record<string, unknown>> = {}): Promise<void> {
  const payload = { session_id: sessionId, cwd: r.dir, hook_event_name: event, ...extra };
  const result = await spawnCli(['hook', 'claude-code'], { cwd: r.dir, input: JSON.stringify(payload), env: { GIT_TRACE_BACKGROUND_FLUSH: '0' } });
  assert.equal(result.code, 0, describeRun(result));
  assert.equal(result.stdout, '', `a hook printed on stdout: ${describeRun(result)}`);
}

/** A Bash tool call as a PreToolUse/PostToolUse pair, with `act` (the tool's effect) between. */
export async function toolCall(r: TempRepo, sessionId: string, callId: string, command: string, act: () => void): Promise<void> {
  const tool = { tool_name: 'Bash', tool_input: { command }, tool_use_id: callId };
  await sendHook(r, sessionId, 'PreToolUse', tool);
  act();
  await sendHook(r, sessionId, 'PostToolUse', { ...tool, tool_response: { stdout: '', stderr: '', interrupted: false } });
}
