// The timeline around the tools in synthetic rollouts: prompts and their duplicates, reasoning,
// compactions, token usage, ctx, session facts, and the legacy line format.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Step } from '../../../lib/model/step.js';
import { lineEnds, parseFile, parseGrowing, rec, SESSION_ID, sessionMeta, sumUsage, writeRollout, scratchFile } from './helpers.js';

const userItem = (text: string): Record<string, unknown> => rec('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const userEvent = (text: string): Record<string, unknown> => rec('event_msg', { type: 'user_message', message: text });
const assistant = (text: string): Record<string, unknown> => rec('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const tokens = (input: number, cached: number, output: number, reasoning: number): Record<string, unknown> =>
  rec('event_msg', { type: 'token_count', info: { total_token_usage: { input_tokens: input, cached_input_tokens: cached, output_tokens: output, reasoning_output_tokens: reasoning, total_tokens: input + output } } });

function texts(steps: readonly Step[], kind: Step['kind']): string[] {
  return steps.flatMap((s) => (s.kind === kind && 'text' in s && s.text !== undefined ? [s.text] : []));
}

interface PromptRow {
  readonly name: string;
  readonly records: readonly unknown[];
  readonly prompts: readonly string[];
}

const PROMPT_ROWS: readonly PromptRow[] = [
  { name: 'item then event: one prompt, from the event', records: [userItem('fix it'), userEvent('fix it'), assistant('ok')], prompts: ['fix it'] },
  { name: 'event then item (newer order): one prompt', records: [userEvent('fix it'), rec('event_msg', { type: 'task_started' }), userItem('fix it'), assistant('ok')], prompts: ['fix it'] },
  { name: 'items without events (no event_msg for the turn): prompts from the items', records: [userItem('one'), assistant('a'), userItem('two'), assistant('b')], prompts: ['one', 'two'] },
  { name: 'scaffolding is never a prompt', records: [userItem('<environment_context>\n  <cwd>/w</cwd>\n</environment_context>'), userItem('# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nbe nice\n</INSTRUCTIONS>'), userItem('<turn_aborted>\nstop\n</turn_aborted>'), userEvent('real'), assistant('ok')], prompts: ['real'] },
  { name: 'two turns, each with its twin', records: [userItem('one'), userEvent('one'), assistant('a'), userItem('two'), userEvent('two'), assistant('b')], prompts: ['one', 'two'] },
];

for (const row of PROMPT_ROWS) {
  test(`prompts: ${row.name}`, async () => {
    const file = writeRollout([sessionMeta(), ...row.records]);
    const { result } = await parseFile(file);
    assert.deepEqual(texts(result.steps, 'prompt'), row.prompts);
    // The same when the file is read one line at a time.
    const growing = await parseGrowing(file, lineEnds(file));
    assert.deepEqual(growing.steps, result.steps);
  });
}

test('assistant text and reasoning come from response items, not from their event duplicates', async () => {
  const { result } = await parseFile(writeRollout([
    sessionMeta(), userEvent('go'),
    rec('event_msg', { type: 'agent_reasoning', text: 'thinking' }),
    rec('response_item', { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }, { type: 'summary_text', text: 'more' }], encrypted_content: 'x' }),
    rec('response_item', { type: 'reasoning', summary: [], content: null, encrypted_content: 'hidden' }),
    rec('event_msg', { type: 'agent_message', message: 'done' }),
    assistant('done'),
  ]));
  assert.deepEqual(result.steps.map((s) => s.kind), ['prompt', 'reasoning', 'message']);
  assert.deepEqual(texts(result.steps, 'reasoning'), ['thinking\n\nmore']);
  assert.equal(result.stats.skipped['event_msg/agent_message'], 1);
  assert.equal(result.stats.skipped['event_msg/agent_reasoning'], 1);
  assert.equal(result.stats.skipped['response_item/reasoning'], 1);
});

interface CompactionRow {
  readonly name: string;
  readonly records: readonly unknown[];
  readonly texts: readonly (string | undefined)[];
}

const COMPACTION_ROWS: readonly CompactionRow[] = [
  { name: 'compacted then context_compacted', records: [rec('compacted', { message: 'summary' }), rec('event_msg', { type: 'context_compacted' })], texts: ['summary'] },
  { name: 'context_compacted then compacted', records: [rec('event_msg', { type: 'context_compacted' }), rec('compacted', { message: 'summary' })], texts: ['summary'] },
  { name: 'an empty summary', records: [rec('compacted', { message: '', replacement_history: [] }), rec('event_msg', { type: 'context_compacted' })], texts: [undefined] },
  { name: 'two compactions', records: [rec('compacted', { message: 'one' }), rec('event_msg', { type: 'context_compacted' }), assistant('x'), rec('compacted', { message: 'two' })], texts: ['one', 'two'] },
];

for (const row of COMPACTION_ROWS) {
  test(`compaction: ${row.name} gives one step per compaction`, async () => {
    const file = writeRollout([sessionMeta(), userEvent('go'), ...row.records]);
    const { result } = await parseFile(file);
    const steps = result.steps.filter((s) => s.kind === 'compaction');
    assert.deepEqual(steps.map((s) => (s.kind === 'compaction' ? s.text : 'x')), row.texts);
    assert.deepEqual((await parseGrowing(file, lineEnds(file))).steps, result.steps);
  });
}

test('usage: cumulative totals become deltas on the step they paid for; null and repeated totals add nothing', async () => {
  const file = writeRollout([
    sessionMeta(), rec('turn_context', { model: 'gpt-x', cwd: '/work/repo' }), userEvent('go'),
    rec('event_msg', { type: 'token_count', info: null }),
    assistant('first'), tokens(100, 40, 10, 4), tokens(100, 40, 10, 4),
    assistant('second'), tokens(250, 140, 30, 4),
  ]);
  const { result } = await parseFile(file);
  const charged = result.steps.filter((s) => s.usage !== undefined);
  assert.deepEqual(charged.map((s) => [s.kind, s.usage, s.usageKey, s.model]), [
    ['message', { inputTokens: 60, cacheReadTokens: 40, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 4 }, `${SESSION_ID}:tc:6`, 'gpt-x'],
    ['message', { inputTokens: 50, cacheReadTokens: 100, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 }, `${SESSION_ID}:tc:9`, 'gpt-x'],
  ]);
  assert.equal(result.stats.skipped['event_msg/token_count'], 2);
  assert.deepEqual(sumUsage((await parseGrowing(file, lineEnds(file))).steps), sumUsage(result.steps));
});

test('usage with no new step since the last token_count gets an empty reasoning step of its own', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), userEvent('go'), assistant('a'), tokens(10, 0, 1, 0), tokens(20, 0, 2, 0)]));
  const extra = result.steps.at(-1);
  assert.deepEqual([extra?.kind, extra?.id, extra?.usage?.inputTokens], ['reasoning', `${SESSION_ID}:5`, 10]);
});

test('usage: a cumulative total that goes down starts counting again from zero', async () => {
  const { result } = await parseFile(writeRollout([sessionMeta(), userEvent('go'), assistant('a'), tokens(100, 0, 10, 0), assistant('b'), tokens(30, 0, 3, 0)]));
  assert.deepEqual(result.steps.flatMap((s) => (s.usage === undefined ? [] : [s.usage.inputTokens])), [100, 30]);
});

test('ctx: the system prompt and instructions, once each, from the step they apply to', async () => {
  const { result } = await parseFile(writeRollout([
    sessionMeta({ base_instructions: { text: 'You are Codex.' } }),
    rec('response_item', { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>\nsandboxed\n</permissions instructions>' }] }),
    rec('turn_context', { model: 'm', user_instructions: 'be nice' }),
    userItem('# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nbe nice\n</INSTRUCTIONS>'),
    userEvent('go'), assistant('a'),
    rec('turn_context', { model: 'm', user_instructions: 'be nice', collaboration_mode: { mode: 'plan', settings: { developer_instructions: 'plan first' } } }),
    userEvent('again'),
  ]));
  assert.deepEqual(result.context, [
    { kind: 'system-prompt', text: 'You are Codex.' },
    { kind: 'instructions', text: 'sandboxed' },
    { kind: 'instructions', text: 'be nice' },
    { kind: 'instructions', text: 'plan first', fromStepId: `${SESSION_ID}:8` },
  ]);
});

test('session facts: id, cwd, branch, base commit, version, title, time span', async () => {
  const { result } = await parseFile(writeRollout([
    sessionMeta({ git: { branch: 'feat', commit_hash: 'abc123' } }),
    rec('event_msg', { type: 'thread_name_updated', thread_id: 't', thread_name: 'Fix the build' }, '2026-01-01T00:00:05.000Z'),
    rec('event_msg', { type: 'user_message', message: 'go' }, '2026-01-01T00:01:00.000Z'),
  ]));
  assert.deepEqual(result.session, {
    id: SESSION_ID, agent: 'codex', title: 'Fix the build', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:01:00.000Z',
    cwd: '/work/repo', gitBranch: 'feat', baseCommit: 'abc123', agentVersion: '0.130.0',
  });
});

test('without a session_meta the session id is the uuid in the file name', async () => {
  const file = writeRollout([userEvent('go')], scratchFile('rollout-2026-02-03T04-05-06-019c0000-1111-7222-8333-444455556666.jsonl'));
  const { result } = await parseFile(file);
  assert.equal(result.session.id, '019c0000-1111-7222-8333-444455556666');
  assert.equal(result.steps[0]?.id, '019c0000-1111-7222-8333-444455556666:1');
});

test('the legacy format (bare header, bare items, state markers) maps the same way', async () => {
  const { result, warnings } = await parseFile(writeRollout([
    { id: SESSION_ID, timestamp: '2025-06-01T00:00:00.000Z', instructions: 'legacy rules', git: { branch: 'old' } },
    { record_type: 'state' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'c' },
    { type: 'function_call_output', call_id: 'c', output: '{"output":"a\\n","metadata":{"exit_code":0}}' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
  ]));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.steps.map((s) => s.kind), ['prompt', 'tool', 'message']);
  assert.deepEqual(result.context, [{ kind: 'instructions', text: 'legacy rules' }]);
  assert.equal(result.session.gitBranch, 'old');
});
