// A live Codex session through the hooks: an apply_patch edit (reported by Codex, observed by
// the snapshots) and a shell command's edit (observed only), each in the right step.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const SESSION = '019f0000-1111-7222-8333-444455556666';
let r: TempRepo;

before(() => {
  testIdentityFile();
  r = tempRepo({ 'app.py': 'def main():\n    print("hi")\n', 'VERSION': '1.0\n' });
  assert.equal(r.trace(['init']).status, 0);
});
after(() => r.cleanup());

test('a Codex session played through its hooks keeps the patch of each call', () => {
  const rollout = join(r.dir, '..', `rollout-${process.pid}-${SESSION}.jsonl`);
  const live = new LiveSession(r, 'codex', SESSION, rollout);
  const line = (type: string, payload: Record<string, unknown>): Record<string, unknown> => ({ timestamp: live.tick(), type, payload });
  live.write(
    line('session_meta', { id: SESSION, timestamp: live.tick(0), cwd: r.dir, originator: 'codex_cli_rs', cli_version: '0.125.0', source: 'cli', model_provider: 'openai' }),
    line('turn_context', { turn_id: 't1', cwd: r.dir, model: 'gpt-5-codex', approval_policy: 'on-request' }),
    line('event_msg', { type: 'user_message', message: 'greet the world and bump VERSION' }),
  );
  live.hook('SessionStart', { source: 'startup', model: 'gpt-5-codex' });
  live.hook('UserPromptSubmit', { prompt: 'greet the world and bump VERSION', turn_id: 't1' });

  const patch = '*** Begin Patch\n*** Update File: app.py\n@@\n def main():\n-    print("hi")\n+    print("hello, world")\n*** End Patch';
  live.write(line('response_item', { type: 'custom_tool_call', status: 'completed', call_id: 'call_patch', name: 'apply_patch', input: patch }));
  live.hook('PreToolUse', { tool_name: 'apply_patch', tool_input: { command: patch }, tool_use_id: 'call_patch', turn_id: 't1' });
  writeFileSync(join(r.dir, 'app.py'), 'def main():\n    print("hello, world")\n');
  live.hook('PostToolUse', { tool_name: 'apply_patch', tool_input: { command: patch }, tool_use_id: 'call_patch', tool_response: 'Success.', turn_id: 't1' });
  live.write(
    line('event_msg', { type: 'patch_apply_end', call_id: 'call_patch', turn_id: 't1', success: true, stdout: 'Success. Updated the following files:\nM app.py\n', stderr: '', changes: { [join(r.dir, 'app.py')]: { type: 'update', unified_diff: '@@ -1,2 +1,2 @@\n def main():\n-    print("hi")\n+    print("hello, world")\n', move_path: null } } }),
    line('response_item', { type: 'custom_tool_call_output', call_id: 'call_patch', output: JSON.stringify({ output: 'Success. Updated the following files:\nM app.py\n', metadata: { exit_code: 0, duration_seconds: 0.1 } }) }),
  );

  const args = JSON.stringify({ cmd: "sed -i 's/1.0/1.1/' VERSION", workdir: r.dir });
  live.write(line('response_item', { type: 'function_call', name: 'exec_command', arguments: args, call_id: 'call_sed' }));
  live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: "sed -i 's/1.0/1.1/' VERSION" }, tool_use_id: 'call_sed', turn_id: 't1' });
  writeFileSync(join(r.dir, 'VERSION'), '1.1\n');
  live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: "sed -i 's/1.0/1.1/' VERSION" }, tool_use_id: 'call_sed', tool_response: '', turn_id: 't1' });
  live.write(
    line('event_msg', { type: 'exec_command_end', call_id: 'call_sed', turn_id: 't1', command: ['bash', '-lc', "sed -i 's/1.0/1.1/' VERSION"], cwd: r.dir, stdout: '', stderr: '', aggregated_output: '', exit_code: 0 }),
    line('response_item', { type: 'function_call_output', call_id: 'call_sed', output: 'Chunk ID: 1\nWall time: 0.0 seconds\nProcess exited with code 0\nOutput:\n' }),
    line('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Greeting updated, VERSION is 1.1.' }], phase: 'final' }),
  );
  live.hook('Stop', { turn_id: 't1', stop_hook_active: false });
  assert.equal(r.trace(['flush']).status, 0);

  const shown = JSON.parse(r.trace(['show', '--json', SESSION]).stdout) as { session: { agent: string }; steps: { kind: string; text?: string; tool?: { callId?: string; exitCode?: number }; patches?: { path: string; origin: string; mismatch?: boolean }[] }[] };
  assert.equal(shown.session.agent, 'codex');
  assert.equal(shown.steps.find((s) => s.kind === 'prompt')?.text, 'greet the world and bump VERSION');
  const applied = shown.steps.find((s) => s.tool?.callId === 'call_patch');
  assert.deepEqual(applied?.patches?.map((p) => [p.path, p.origin, p.mismatch ?? false]).sort(), [['app.py', 'observed', false], ['app.py', 'reported', false]]);
  const sed = shown.steps.find((s) => s.tool?.callId === 'call_sed');
  assert.equal(sed?.tool?.exitCode, 0);
  assert.deepEqual(sed?.patches?.map((p) => [p.path, p.origin]), [['VERSION', 'observed']]);
});
