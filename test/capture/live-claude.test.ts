// A live Claude Code session through the hooks: one change made through the Edit tool and one
// through a shell command, each tied to the step that made it; the user's git state untouched.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { claudeTemplate, LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const SESSION = '3f1c2a9e-6b7d-4c1e-9a2b-8d7e6f5a4b3c';
let r: TempRepo;
let live: LiveSession;
let userState: () => string[];
let beforeState: string[];

before(() => {
  testIdentityFile();
  r = tempRepo({ 'src/parse.ts': 'export const sep = ",";\nexport function parse(s: string) {\n  return s.split(sep);\n}\n', 'src/util.ts': 'export const version = 1;\n' });
  assert.equal(r.trace(['init']).status, 0);
  const transcripts = join(r.dir, '..', `claude-${process.pid}`);
  mkdirSync(transcripts, { recursive: true });
  live = new LiveSession(r, 'claude-code', SESSION, join(transcripts, `${SESSION}.jsonl`));
  // The user has work of their own going: a stash, a staged change, an unstaged one.
  r.write({ 'src/util.ts': 'export const version = 2;\n' });
  r.git('stash', '-q');
  r.write({ 'notes.txt': 'staged\n' });
  r.git('add', 'notes.txt');
  userState = () => [
    r.git('rev-parse', 'HEAD'),
    r.git('branch', '-a', '-v'),
    r.git('stash', 'list'),
    r.git('diff', '--cached', '--name-status'),
    readFileSync(join(r.dir, '.git', 'index')).toString('base64'),
  ];
  beforeState = userState();
});
after(() => r.cleanup());

function record(type: string, uuid: string, parent: string | null, message: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { parentUuid: parent, isSidechain: false, userType: 'external', cwd: r.dir, sessionId: SESSION, version: '2.1.41', gitBranch: 'main', type, message, uuid, timestamp: live.tick(), ...extra };
}

test('a session played through the hooks stores both changes, each in its own step', () => {
  const preTemplate = claudeTemplate('hook_cc_attio-mcp-server_pre_tool_use.json', { tool_name: 'Read', tool_input: {} });
  live.hook('SessionStart', { source: 'startup' }, claudeTemplate('hook_cc_cka-buddy_session_start.json', { source: 'startup' }));
  const prompt = 'make parse trim fields, and bump the version with sed';
  live.hook('UserPromptSubmit', { prompt }, claudeTemplate('hook_cc_attio-mcp-server_user_prompt_submit.json', {}));
  live.write(record('user', 'u1', null, { role: 'user', content: prompt }));

  // Step 1: the Edit tool.
  const file = join(r.dir, 'src', 'parse.ts');
  const edit = { file_path: file, old_string: 'return s.split(sep);', new_string: 'return s.split(sep).map((f) => f.trim());' };
  live.write(record('assistant', 'a1', 'u1', { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'tool_use', id: 'toolu_edit', name: 'Edit', input: edit }], usage: { input_tokens: 10, output_tokens: 40, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 } }, { requestId: 'req_1' }));
  live.hook('PreToolUse', { tool_name: 'Edit', tool_input: edit, tool_use_id: 'toolu_edit' }, preTemplate);
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, original.replace(edit.old_string, edit.new_string));
  live.hook('PostToolUse', { tool_name: 'Edit', tool_input: edit, tool_use_id: 'toolu_edit', tool_response: { filePath: file, oldString: edit.old_string, newString: edit.new_string } }, preTemplate);
  live.write(record('user', 'r1', 'a1', { role: 'user', content: [{ tool_use_id: 'toolu_edit', type: 'tool_result', content: `The file ${file} has been updated.` }] }, { toolUseResult: { filePath: file, oldString: edit.old_string, newString: edit.new_string, originalFile: original, replaceAll: false, userModified: false, structuredPatch: [] } }));

  // Step 2: a shell command edits a file that no edit tool reports.
  const command = "sed -i 's/version = 1/version = 2/' src/util.ts";
  live.write(record('assistant', 'a2', 'r1', { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'tool_use', id: 'toolu_sed', name: 'Bash', input: { command } }], usage: { input_tokens: 12, output_tokens: 30, cache_read_input_tokens: 150, cache_creation_input_tokens: 0 } }, { requestId: 'req_2' }));
  live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_sed' }, preTemplate);
  writeFileSync(join(r.dir, 'src', 'util.ts'), 'export const version = 2;\n');
  live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_sed', tool_response: { stdout: '', stderr: '', interrupted: false } }, preTemplate);
  live.write(record('user', 'r2', 'a2', { role: 'user', content: [{ tool_use_id: 'toolu_sed', type: 'tool_result', content: '' }] }, { toolUseResult: { stdout: '', stderr: '', interrupted: false, isImage: false } }));
  live.write(record('assistant', 'a3', 'r2', { id: 'msg_3', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'Done: parse trims, version is 2.' }], usage: { input_tokens: 5, output_tokens: 9, cache_read_input_tokens: 200, cache_creation_input_tokens: 0 } }, { requestId: 'req_3' }));
  live.hook('Stop', { stop_hook_active: false }, claudeTemplate('hook_cc_attio-mcp-server_stop.json', {}));

  const flushed = r.trace(['flush', '--json']);
  assert.equal(flushed.status, 0, flushed.stderr);

  const shown = JSON.parse(r.trace(['show', '--json', SESSION]).stdout) as { steps: { kind: string; text?: string; tool?: { name: string; callId?: string; snapshot?: string }; patches?: { path: string; origin: string; diff: string; mismatch?: boolean }[] }[] };
  const steps = shown.steps;
  assert.equal(steps.find((s) => s.kind === 'prompt')?.text, prompt);
  const editStep = steps.find((s) => s.tool?.callId === 'toolu_edit');
  const sedStep = steps.find((s) => s.tool?.callId === 'toolu_sed');
  assert.ok(editStep !== undefined && sedStep !== undefined);
  const observedEdit = editStep.patches?.filter((p) => p.origin === 'observed') ?? [];
  assert.deepEqual(observedEdit.map((p) => p.path), ['src/parse.ts']);
  assert.match(observedEdit[0]?.diff ?? '', /^\+  return s\.split\(sep\)\.map\(\(f\) => f\.trim\(\)\);$/m);
  assert.equal(observedEdit[0]?.mismatch, undefined, 'the reported and observed edits agree');
  assert.ok(editStep.patches?.some((p) => p.origin === 'reported' && p.path === 'src/parse.ts'));
  assert.equal(editStep.tool?.snapshot, 'complete');
  const observedSed = sedStep.patches?.filter((p) => p.origin === 'observed') ?? [];
  assert.deepEqual(observedSed.map((p) => p.path), ['src/util.ts']);
  assert.match(observedSed[0]?.diff ?? '', /^-export const version = 1;\n\+export const version = 2;$/m);
  assert.equal(sedStep.patches?.some((p) => p.origin === 'reported'), false);
  assert.equal(steps.find((s) => s.kind === 'message')?.text, 'Done: parse trims, version is 2.');

  const session = JSON.parse(r.trace(['show', '--json', SESSION]).stdout) as { session: { baseCommit: string } };
  assert.equal(session.session.baseCommit, r.git('rev-parse', 'HEAD').trim());
  assert.deepEqual(userState(), beforeState, "the user's HEAD, branches, stash and index are untouched");
});

test('the starting uncommitted state is kept as ctx', () => {
  const ctx = JSON.parse(r.trace(['show', '--json', '--step', '0', '--ctx', SESSION]).stdout) as { ctx: { items: { kind: string; text: string }[] } };
  const start = ctx.ctx.items.find((i) => i.kind === 'start-state');
  assert.match(start?.text ?? '', /\+\+\+ b\/notes\.txt\n@@ -0,0 \+1 @@\n\+staged/);
});

test('flushing again stores nothing new; the session end removes the capture state', () => {
  const again = JSON.parse(r.trace(['flush', '--json']).stdout) as { sessions: { added: number }[] };
  assert.ok(again.sessions.every((s) => s.added === 0));
  live.hook('SessionEnd', { reason: 'prompt_input_exit' });
  assert.equal(r.trace(['flush']).status, 0);
  assert.throws(() => readFileSync(join(r.dir, '.git', 'opentraces', 'capture', SESSION, 'spool.jsonl')));
});
