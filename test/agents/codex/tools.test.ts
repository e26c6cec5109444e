// Tool calls in synthetic rollouts: pairing, exit codes, interrupted turns, edits and their
// patches, MCP, web search and subagent spawns.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Step, SubagentStep, ToolStep } from '../../../lib/model/step.js';
import { validateStep } from '../../../lib/model/validate.js';
import { lineEnds, parseFile, parseGrowing, rec, sessionMeta, writeRollout } from './helpers.js';

const call = (callId: string, name: string, args: unknown): Record<string, unknown> =>
  rec('response_item', { type: 'function_call', name, arguments: typeof args === 'string' ? args : JSON.stringify(args), call_id: callId });
const output = (callId: string, text: unknown): Record<string, unknown> => rec('response_item', { type: 'function_call_output', call_id: callId, output: text });
const patchCall = (callId: string, input: string): Record<string, unknown> => rec('response_item', { type: 'custom_tool_call', name: 'apply_patch', call_id: callId, input, status: 'completed' });
const patchOutput = (callId: string, text: string): Record<string, unknown> => rec('response_item', { type: 'custom_tool_call_output', call_id: callId, output: text });
const execEnd = (callId: string, exitCode: number, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  rec('event_msg', { type: 'exec_command_end', call_id: callId, exit_code: exitCode, aggregated_output: 'agg', cwd: '/work/repo', ...extra });
const prompt = (text: string): Record<string, unknown> => rec('event_msg', { type: 'user_message', message: text });

function tools(steps: readonly Step[]): ToolStep[] {
  return steps.flatMap((s) => (s.kind === 'tool' ? [s] : []));
}

function tool(steps: readonly Step[], id: string): ToolStep {
  const found = tools(steps).find((s) => s.id === id);
  assert.ok(found !== undefined, `no tool step '${id}'`);
  return found;
}

interface ExitRow {
  readonly name: string;
  readonly records: readonly unknown[];
  readonly exitCode: number | undefined;
  readonly status: ToolStep['tool']['status'];
}

const EXIT_ROWS: readonly ExitRow[] = [
  { name: 'exec_command_end before the output wins over the output', records: [call('c', 'exec_command', { cmd: 'x' }), execEnd('c', 3), output('c', 'Chunk ID: a\nWall time: 0\nProcess exited with code 0\nOutput:\n')], exitCode: 3, status: 'error' },
  { name: 'exec_command_end after a still-running output completes it', records: [call('c', 'exec_command', { cmd: 'x' }), output('c', 'Chunk ID: a\nWall time: 1\nProcess running with session ID 9\nOriginal token count: 0\nOutput:\n'), execEnd('c', 0)], exitCode: 0, status: 'ok' },
  { name: '0.66 "Exit code: N" header', records: [call('c', 'shell_command', { command: 'x' }), output('c', 'Exit code: 2\nWall time: 0.1 seconds\nOutput:\nExit code: 0\n')], exitCode: 2, status: 'error' },
  { name: '0.12x "Process exited with code N" header', records: [call('c', 'exec_command', { cmd: 'x' }), output('c', 'Chunk ID: a\nWall time: 0\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nok\n')], exitCode: 0, status: 'ok' },
  { name: '0.5x JSON output with metadata.exit_code', records: [call('c', 'shell', { command: ['false'] }), output('c', '{"output":"boom","metadata":{"exit_code":1,"duration_seconds":0.1}}')], exitCode: 1, status: 'error' },
  { name: 'an exit code only inside the command output is not taken', records: [call('c', 'shell', { command: ['cat'] }), output('c', 'Process exited with code 4')], exitCode: undefined, status: 'ok' },
  { name: 'an output saying aborted', records: [call('c', 'shell', { command: ['sleep'] }), output('c', 'aborted')], exitCode: undefined, status: 'interrupted' },
  { name: 'a content-list output (newer versions)', records: [call('c', 'view_image', { path: 'a.png' }), output('c', [{ type: 'input_text', text: 'seen' }])], exitCode: undefined, status: 'ok' },
];

for (const row of EXIT_ROWS) {
  test(`exit code and status: ${row.name}`, async () => {
    const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), ...row.records]));
    assert.equal(tools(result.steps).length, 1);
    const step = tool(result.steps, 'c');
    assert.equal(step.tool.exitCode, row.exitCode);
    assert.equal(step.tool.status, row.status);
    assert.ok(validateStep(step).ok);
  });
}

test('a call whose output is not written yet is pending, then completed under the same id', async () => {
  const file = writeRollout([sessionMeta(), prompt('go'), call('c', 'exec_command', { cmd: 'ls' }), rec('event_msg', { type: 'token_count', info: null }), output('c', 'Chunk ID: a\nWall time: 0\nProcess exited with code 0\nOutput:\na\n')]);
  const ends = lineEnds(file);
  const first = await parseFile(file, null, undefined);
  const growing = await parseGrowing(file, [ends[2] ?? 0]);
  assert.equal(growing.parses, 2);
  assert.deepEqual(growing.steps, first.result.steps);
  // The first of the two parses saw the call alone.
  const early = writeRollout([sessionMeta(), prompt('go'), call('c', 'exec_command', { cmd: 'ls' })]);
  const pending = await parseFile(early);
  assert.equal(tool(pending.result.steps, 'c').tool.status, 'pending');
  assert.deepEqual((pending.result.checkpoint.state as { open: { callId: string }[] }).open.map((o) => o.callId), ['c']);
  assert.equal(tool(first.result.steps, 'c').tool.status, 'ok');
  assert.deepEqual(tool(first.result.steps, 'c').tool.input, { cmd: 'ls' });
});

test('arguments that are not JSON are kept as the raw string', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), call('c', 'shell', '{not json'), output('c', 'x')]));
  assert.equal(tool(result.steps, 'c').tool.input, '{not json');
});

test('an interrupted turn marks calls without output interrupted', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), call('a', 'exec_command', { cmd: 'sleep 9' }), rec('event_msg', { type: 'turn_aborted', reason: 'interrupted' }), prompt('next')]));
  assert.equal(tool(result.steps, 'a').tool.status, 'interrupted');
  assert.deepEqual((result.checkpoint.state as { open: unknown[] }).open, []);
});

const PATCH = [
  '*** Begin Patch',
  '*** Add File: src/new.ts',
  '+export const a = 1;',
  '*** Update File: src/old.ts',
  '*** Move to: src/moved.ts',
  '@@ function f()',
  ' keep',
  '-before',
  '+after',
  '*** Delete File: src/gone.ts',
  '*** Update File: /elsewhere/outside.txt',
  '@@',
  '-x',
  '+y',
  '*** End Patch',
].join('\n');

test('apply_patch input becomes patches: add, rename with hunks, delete; an edit outside the repository is dropped and counted', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), patchCall('p', PATCH), patchOutput('p', '{"output":"Success. Updated the following files:\\nA src/new.ts\\n","metadata":{"exit_code":0}}')]), '/work/repo');
  const step = tool(result.steps, 'p');
  assert.deepEqual(step.patches?.map((p) => [p.path, p.op, p.oldPath, p.origin]), [
    ['src/new.ts', 'add', undefined, 'reported'],
    ['src/moved.ts', 'rename', 'src/old.ts', 'reported'],
    ['src/gone.ts', 'delete', undefined, 'reported'],
  ]);
  assert.equal(step.patches?.[0]?.diff, '--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1 @@\n+export const a = 1;\n');
  assert.equal(step.patches?.[1]?.diff, '--- a/src/old.ts\n+++ b/src/moved.ts\n@@ -1,2 +1,2 @@\n keep\n-before\n+after\n');
  assert.equal(result.stats.skipped['edit/outside-repository'], 1);
  assert.ok(validateStep(step).ok);
});

test('a failed apply_patch has no patches and status error', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), patchCall('p', PATCH), patchOutput('p', 'apply_patch verification failed: Failed to find expected lines')]), '/work/repo');
  const step = tool(result.steps, 'p');
  assert.equal(step.patches, undefined);
  assert.equal(step.tool.status, 'error');
});

test('patch_apply_end changes are preferred over the input: add, delete, update with a move', async () => {
  const changes = {
    '/work/repo/a.txt': { type: 'add', content: 'one\n' },
    '/work/repo/b.txt': { type: 'delete', content: 'gone\n' },
    '/work/repo/c.txt': { type: 'update', unified_diff: '@@ -1 +1 @@\n-old\n+new\n', move_path: '/work/repo/d.txt' },
    '/tmp/outside.txt': { type: 'add', content: 'x\n' },
  };
  const { result } = await parseFile(writeRollout([
    sessionMeta(), prompt('go'), patchCall('p', '*** Begin Patch\n*** Add File: ignored.txt\n+x\n*** End Patch'),
    rec('event_msg', { type: 'patch_apply_end', call_id: 'p', success: true, changes }),
    patchOutput('p', '{"output":"Success. Updated the following files:\\n","metadata":{"exit_code":0}}'),
  ]), '/work/repo');
  const step = tool(result.steps, 'p');
  assert.deepEqual(step.patches?.map((p) => [p.path, p.op, p.oldPath]), [['a.txt', 'add', undefined], ['b.txt', 'delete', undefined], ['d.txt', 'rename', 'c.txt']]);
  assert.equal(step.patches?.[2]?.diff, '--- a/c.txt\n+++ b/d.txt\n@@ -1 +1 @@\n-old\n+new\n');
  assert.equal(step.patches?.[1]?.diff, '--- a/b.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n');
  assert.equal(result.stats.skipped['edit/outside-repository'], 1);
});

test('apply_patch run through the shell (older versions) gives patches too', async () => {
  const script = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: x.txt\n+hi\n*** End Patch\nEOF\n";
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), call('s', 'shell', { command: ['bash', '-lc', script], workdir: '/work/repo/sub' }), output('s', '{"output":"Done!","metadata":{"exit_code":0}}')]), '/work/repo');
  assert.deepEqual(tool(result.steps, 's').patches?.map((p) => p.path), ['sub/x.txt']);
});

test('MCP calls: the namespaced name, failure from mcp_tool_call_end, and an end event with no call of its own', async () => {
  const { result } = await parseFile(writeRollout([
    sessionMeta(), prompt('go'),
    rec('response_item', { type: 'function_call', name: '_fetch', namespace: 'mcp__apps__github', arguments: '{"n":1}', call_id: 'm' }),
    rec('event_msg', { type: 'mcp_tool_call_end', call_id: 'm', invocation: { server: 'apps', tool: 'github_fetch' }, result: { Err: 'denied' } }),
    output('m', 'Wall time: 1\nOutput:\ndenied'),
    rec('event_msg', { type: 'mcp_tool_call_end', call_id: 'solo', invocation: { server: 'srv', tool: 't', arguments: { a: 1 } }, result: { Ok: { content: [{ type: 'text', text: 'fine' }] } } }),
  ]));
  assert.equal(tool(result.steps, 'm').tool.name, 'mcp__apps__github_fetch');
  assert.equal(tool(result.steps, 'm').tool.status, 'error');
  const solo = tool(result.steps, 'solo');
  assert.deepEqual([solo.tool.name, solo.tool.input, solo.tool.output, solo.tool.status], ['mcp__srv__t', { a: 1 }, 'fine', 'ok']);
});

test('web_search_end and the web_search_call that follows it make one step with the call id', async () => {
  const action = { type: 'search', query: 'codex rollout' };
  const results = [{ type: 'result', title: 'Rollouts', url: 'https://example.invalid/r' }];
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), rec('event_msg', { type: 'web_search_end', call_id: 'ws_1', query: 'codex rollout', action, results }), rec('response_item', { type: 'web_search_call', status: 'completed', action })]));
  assert.deepEqual(tools(result.steps).map((s) => [s.tool.name, s.tool.callId, s.tool.status, s.tool.input, s.tool.output]), [['web_search', 'ws_1', 'ok', action, 'Rollouts https://example.invalid/r']]);
});

test('spawn_agent and collab_agent_spawn_end make one subagent step; a subagent rollout names its parent', async () => {
  const parent = '019b0000-0000-7000-8000-0000000000aa';
  const { result } = await parseFile(writeRollout([
    sessionMeta({ source: { subagent: { thread_spawn: { parent_thread_id: parent, depth: 1 } } } }), prompt('go'),
    call('sp', 'spawn_agent', { message: 'check the tests' }),
    rec('event_msg', { type: 'collab_agent_spawn_end', call_id: 'sp', new_thread_id: 'thread-7', prompt: 'check the tests', model: 'gpt-5.5' }),
    output('sp', '{"agent_id":"thread-7"}'),
  ]));
  const subagents = result.steps.filter((s): s is SubagentStep => s.kind === 'subagent');
  assert.deepEqual(subagents.map((s) => [s.id, s.agentId, s.parentCallId, s.text, s.model]), [['sp:subagent', 'thread-7', 'sp', 'check the tests', 'gpt-5.5']]);
  assert.equal(result.session.parentSessionId, parent);
  assert.equal(tool(result.steps, 'sp').tool.status, 'ok');
});

test('a user shell command (exec_command_end without a call) is a tool step with the files it read', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), prompt('go'), execEnd('u', 0, { command: ['bash', '-lc', 'cat a.txt'], parsed_cmd: [{ type: 'read', path: 'src/a.txt' }, { type: 'read', path: '/etc/hosts' }] })]), '/work/repo');
  const step = tool(result.steps, 'u');
  assert.deepEqual([step.tool.name, step.tool.exitCode, step.tool.output, step.tool.reads], ['exec_command', 0, 'agg', ['src/a.txt', '/etc/hosts']]);
});
