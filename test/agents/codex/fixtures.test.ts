// The Codex adapter over the real rollouts in ../shared/fixtures/transcripts/codex (skipped
// when they are absent).
//
// The expected counts were taken once, by hand, independently of the adapter, with this Python
// over each file (prompts = event_msg/user_message records; tool calls = response_item call
// records, plus exec/patch/mcp end events whose call_id no call record announced before;
// edits = files in successful patch_apply_end.changes, plus `*** Add|Update|Delete File:` lines
// of successful apply_patch calls that have no patch_apply_end):
//
//   recs = [json.loads(l) for l in open(f) if l.strip()]
//   CALLS = {function_call, custom_tool_call, local_shell_call, tool_search_call, web_search_call, image_generation_call}
//   prompts = sum(r.type == 'event_msg' and r.payload.type == 'user_message')
//   for r in recs: call record -> tools += 1, seen.add(call_id)
//                  exec_command_end|patch_apply_end|mcp_tool_call_end with call_id not in seen -> tools += 1, seen.add
//   edits = sum(len(p.changes) for successful patch_apply_end) + grammar file lines as above

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateStep } from '../../../lib/model/validate.js';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { FIXTURES } from './fixture-table.js';
import { parseFile, sumUsage, type UsageSum } from './helpers.js';

/** The last cumulative total_token_usage in a file, read without the adapter. */
function lastTotal(file: string): UsageSum | undefined {
  let last: UsageSum | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"token_count"')) continue;
    const total = (JSON.parse(line) as { payload?: { info?: { total_token_usage?: Record<string, number> } | null } }).payload?.info?.total_token_usage;
    if (total === undefined) continue;
    const n = (key: string): number => total[key] ?? 0;
    last = {
      inputTokens: n('input_tokens') - n('cached_input_tokens'),
      cacheReadTokens: n('cached_input_tokens'),
      cacheWriteTokens: 0,
      outputTokens: n('output_tokens'),
      reasoningTokens: n('reasoning_output_tokens'),
    };
  }
  return last;
}

/** Call ids that have an output record in the file. */
function callIdsWithOutput(file: string): Set<string> {
  const ids = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const payload = (JSON.parse(line) as { payload?: { type?: unknown; call_id?: unknown } }).payload;
    if (typeof payload?.type === 'string' && payload.type.endsWith('_output') && typeof payload.call_id === 'string') ids.add(payload.call_id);
  }
  return ids;
}

for (const row of FIXTURES) {
  const file = sharedTranscript('codex', row.name);

  test(`${row.name}: prompts, tool calls and edits match an independent count`, { skip: skipWithoutShared }, async () => {
    const { result } = await parseFile(file, row.repoRoot);
    const prompts = result.steps.filter((s) => s.kind === 'prompt').length;
    const tools = result.steps.filter((s) => s.kind === 'tool').length;
    const edits = result.steps.reduce((n, s) => n + (s.patches?.length ?? 0), 0);
    assert.deepEqual({ prompts, tools, edits }, { prompts: row.prompts, tools: row.tools, edits: row.edits });
    assert.equal(result.session.id, row.sessionId);
    assert.equal(result.session.agent, 'codex');
    assert.equal(result.stats.skipped['edit/outside-repository'], undefined);
  });

  test(`${row.name}: every step validates and ids are unique`, { skip: skipWithoutShared }, async () => {
    const { result } = await parseFile(file, row.repoRoot);
    for (const step of result.steps) {
      const checked = validateStep(step);
      assert.ok(checked.ok, `step ${step.id}: ${checked.ok ? '' : checked.error}`);
      assert.deepEqual(checked.value, step, `step ${step.id} changes when validated`);
    }
    assert.equal(new Set(result.steps.map((s) => s.id)).size, result.steps.length);
  });

  test(`${row.name}: no tool call stays pending when its output is in the file`, { skip: skipWithoutShared || (row.curated === true ? 'a curated sample, not a whole rollout (its own test below)' : false) }, async () => {
    const { result } = await parseFile(file, row.repoRoot);
    const answered = callIdsWithOutput(file);
    const pending = result.steps.filter((s) => s.kind === 'tool' && s.tool.status === 'pending' && answered.has(s.tool.callId ?? ''));
    assert.deepEqual(pending.map((s) => s.id), []);
  });

  test(`${row.name}: emitted usage adds up to the last cumulative total`, { skip: skipWithoutShared || (row.curated === true ? 'a curated sample, not a whole rollout (its own test below)' : false) }, async () => {
    const { result } = await parseFile(file, row.repoRoot);
    const expected = lastTotal(file) ?? { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    assert.deepEqual(sumUsage(result.steps), expected);
    const keys = result.steps.flatMap((s) => (s.usageKey === undefined ? [] : [s.usageKey]));
    assert.equal(new Set(keys).size, keys.length, 'one usageKey per token_count');
  });

  test(`${row.name}: a real rollout imports without warnings`, { skip: skipWithoutShared || (row.curated === true ? 'a curated sample, not a whole rollout (its own test below)' : false) }, async () => {
    const { result, warnings } = await parseFile(file, row.repoRoot);
    assert.deepEqual(warnings, []);
    assert.equal(result.stats.badLines, 0);
  });
}

test('the curated 0.146 sample imports with one warning per non-ISO timestamp and keeps going', { skip: skipWithoutShared }, async () => {
  const file = sharedTranscript('codex', 'codex_agent-sessions_stage0_small_curated.jsonl');
  const { result, warnings } = await parseFile(file, '/tmp/repo');
  const trimmed = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"timestamp":"[trimmed for fixture]"')).length;
  assert.equal(warnings.length, trimmed);
  assert.ok(warnings.every((w) => w.file === file && w.line > 0 && w.message.includes('timestamp')));
  assert.equal(result.stats.lines, 118);
  assert.ok((result.stats.skipped['event_msg/item_completed'] ?? 0) > 0, 'unknown newer kinds are counted');
  assert.equal(result.steps.filter((s) => s.kind === 'subagent').length, 1);
  assert.equal(result.session.title, '[trimmed for fixture]');
});

test('the 0.121 rollout: session facts, exit codes from exec_command_end, a failed apply_patch has no patches', { skip: skipWithoutShared }, async () => {
  const file = sharedTranscript('codex', 'codex_external-agents_5cd654717a10_v0.121.0_multiturn.jsonl');
  const { result } = await parseFile(file, '/Users/soph/Work/entire/devenv/external-agents');
  assert.equal(result.session.gitBranch, 'main');
  assert.equal(result.session.baseCommit, '0f9ca00e602d7f622b6f69fc8dcafad6510c67cf');
  assert.equal(result.session.agentVersion, '0.121.0');
  const tools = result.steps.flatMap((s) => (s.kind === 'tool' ? [s] : []));
  // A process still running when its output was written gets its exit code from the later event.
  const running = tools.filter((s) => s.tool.name === 'exec_command' && s.tool.output?.includes('Process running with session ID') === true);
  assert.ok(running.length > 0);
  assert.ok(running.every((s) => s.tool.exitCode !== undefined));
  const failedPatch = tools.find((s) => s.tool.name === 'apply_patch' && s.tool.output?.startsWith('apply_patch verification failed') === true);
  assert.equal(failedPatch?.tool.status, 'error');
  assert.equal(failedPatch?.patches, undefined);
  assert.ok(tools.every((s) => s.model === 'gpt-5.4'));
  assert.ok(result.context.some((c) => c.kind === 'system-prompt'));
});
