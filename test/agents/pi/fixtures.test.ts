// The pi adapter over the real session files in ../shared/fixtures/transcripts/pi/.
//
// The expected counts were read once, by hand, independently of the adapter, with this Python
// (run in that folder; every line is JSON):
//
//   for line in open(f):
//     o = json.loads(line)
//     if o['type'] != 'message': continue
//     m = o['message']; role = m['role']
//     if role == 'user': prompts += 1
//     if role == 'bashExecution': bash += 1
//     if role == 'assistant':
//       cost += m.get('usage', {}).get('cost', {}).get('total', 0)
//       for b in m['content']:
//         if b['type'] == 'toolCall': calls += 1; names[b['id']] = b['name']
//     if role == 'toolResult' and m['toolCallId'] in names:
//       paired += 1
//       if m['toolName'] in ('edit', 'write') and not m['isError']: edits += 1
//
// toolSteps = calls + bash (the user's `!cmd` is a tool step too); unpaired = calls - paired.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateStep } from '../../../lib/model/validate.js';
import type { ToolStep } from '../../../lib/model/step.js';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { parse } from './support.js';

interface Expected {
  readonly name: string;
  readonly sessionId: string;
  readonly cwd: string;
  readonly prompts: number;
  readonly toolCalls: number;
  readonly bash: number;
  readonly paired: number;
  readonly edits: number;
  readonly costUSD: number;
}

const FIXTURES: readonly Expected[] = [
  { name: 'pi_agent-sessions_small.jsonl', sessionId: '019e19b4-eb48-746a-aa6b-8dfcfa37954b', cwd: '/tmp/as-agent-fixture/project', prompts: 2, toolCalls: 0, bash: 0, paired: 0, edits: 0, costUSD: 0 },
  { name: 'pi_cka-buddy_agent-sessions_builder.json', sessionId: 'e35c0a77-af2b-4c41-b2fb-ec5f6232597a', cwd: '/Users/akinpound/Documents/cka-buddy', prompts: 2, toolCalls: 16, bash: 0, paired: 16, edits: 9, costUSD: 0.47500025 },
  { name: 'pi_pi-mono_large-session.jsonl', sessionId: 'd703a1a9-1b7b-4fb1-b512-c9738b1fe617', cwd: '/Users/badlogic/workspaces/pi-mono', prompts: 88, toolCalls: 391, bash: 0, paired: 373, edits: 131, costUSD: 30.3301977 },
  { name: 'pi_specstory_full_format_SYNTHETIC.jsonl', sessionId: 'full-format-uuid', cwd: '/test/proj', prompts: 3, toolCalls: 1, bash: 1, paired: 1, edits: 0, costUSD: 0.0715 },
  { name: 'pi_specstory_sample.jsonl', sessionId: '019f4836-1df4-79e7-83b0-57a808be0c71', cwd: '/Users/jakelevirne/dev/getspecstory', prompts: 1, toolCalls: 1, bash: 0, paired: 1, edits: 0, costUSD: 0.011 },
];

describe('pi adapter on the real fixtures', { skip: skipWithoutShared }, () => {
  for (const expected of FIXTURES) {
    describe(expected.name, () => {
      const file = sharedTranscript('pi', expected.name);
      const parsed = parse(file);

      it('reads the whole file without warnings and names the session from its header', async () => {
        const result = await parsed;
        assert.deepEqual(result.warnings, []);
        assert.equal(result.stats.badLines, 0);
        assert.equal(result.checkpoint.from.offset, statSync(file).size);
        assert.equal(result.session.id, expected.sessionId);
        assert.equal(result.session.agent, 'pi');
        assert.equal(result.session.cwd, expected.cwd);
        assert.notEqual(result.session.startedAt, null);
      });

      it('emits only steps that validate, with unique ids', async () => {
        const { steps } = await parsed;
        for (const step of steps) {
          const checked = validateStep(JSON.parse(JSON.stringify(step)));
          assert.ok(checked.ok, `${step.id}: ${checked.ok ? '' : checked.error}`);
        }
        assert.equal(new Set(steps.map((s) => s.id)).size, steps.length);
      });

      it('counts prompts, tool calls and edits as an independent reading does', async () => {
        const { steps } = await parsed;
        const tools = steps.filter((s): s is ToolStep => s.kind === 'tool');
        assert.equal(steps.filter((s) => s.kind === 'prompt').length, expected.prompts, 'prompts');
        assert.equal(tools.length, expected.toolCalls + expected.bash, 'tool steps');
        assert.equal(steps.filter((s) => (s.patches?.length ?? 0) > 0).length, expected.edits, 'steps with patches');
        for (const step of steps) assert.ok((step.patches?.length ?? 0) <= 1, `${step.id} has one patch per edited file`);
      });

      it('pairs each tool call with its result and leaves the rest without output', async () => {
        const tools = (await parsed).steps.filter((s): s is ToolStep => s.kind === 'tool' && s.tool.callId !== undefined);
        const answered = tools.filter((s) => s.tool.output !== undefined);
        assert.equal(answered.length, expected.paired);
        assert.equal(new Set(tools.map((s) => s.tool.callId)).size, tools.length, 'one step per call id');
        for (const step of answered) assert.ok(['ok', 'error', 'interrupted'].includes(step.tool.status), step.id);
        for (const step of tools.filter((s) => s.tool.output === undefined)) {
          assert.ok(['pending', 'interrupted'].includes(step.tool.status), `${step.id} is ${step.tool.status}`);
        }
      });

      it('adds up to the USD cost pi recorded on its messages, once per message', async () => {
        const { steps } = await parsed;
        const total = steps.reduce((sum, s) => sum + (s.costUSD ?? 0), 0);
        assert.ok(Math.abs(total - expected.costUSD) < 1e-9, `${total} != ${expected.costUSD}`);
        const keys = steps.filter((s) => s.usage !== undefined).map((s) => s.usageKey);
        assert.equal(new Set(keys).size, keys.length, 'usage sits on one step per usage key');
      });
    });
  }

  it('gives bash results an exit code: 0 when pi says nothing, N from "Command exited with code N"', async () => {
    const { steps } = await parse(sharedTranscript('pi', 'pi_pi-mono_large-session.jsonl'));
    const bash = steps.filter((s): s is ToolStep => s.kind === 'tool' && s.tool.name === 'bash' && s.tool.output !== undefined);
    const codes: Record<string, number> = {};
    for (const step of bash) {
      const key = `${step.tool.status}:${step.tool.exitCode ?? 'none'}`;
      codes[key] = (codes[key] ?? 0) + 1;
    }
    // Independent reading: 173 bash results without isError, 14 ending in code 1, 3 in code 2,
    // 2 ending in "Command aborted".
    assert.deepEqual(codes, { 'ok:0': 173, 'error:1': 14, 'error:2': 3, 'interrupted:none': 2 });
  });

  it('marks calls of an aborted or failed message as interrupted, not pending', async () => {
    const { steps, checkpoint } = await parse(sharedTranscript('pi', 'pi_pi-mono_large-session.jsonl'));
    const unanswered = steps.filter((s): s is ToolStep => s.kind === 'tool' && s.tool.output === undefined);
    assert.equal(unanswered.length, 18);
    assert.ok(unanswered.every((s) => s.tool.status === 'interrupted'));
    assert.deepEqual((checkpoint.state as { pending: unknown }).pending, {});
  });

  it('makes edit paths repository-relative and drops files outside the repository', async () => {
    const { steps, stats } = await parse(sharedTranscript('pi', 'pi_pi-mono_large-session.jsonl'), { repoRoot: '/Users/badlogic/workspaces/pi-mono' });
    const paths = steps.flatMap((s) => s.patches ?? []).map((p) => p.path);
    // Two of the 131 changes went to ~/.pi/agent/themes, outside the work tree.
    assert.equal(paths.length, 129);
    assert.equal(stats.skipped['edit/outside-repository'], 2);
    assert.ok(paths.every((p) => !p.startsWith('/') && !p.startsWith('~')));
    assert.ok(paths.includes('packages/coding-agent/src/theme/theme.ts'));
  });

  it('maps the synthetic full-format file: title, images, extension entries, branch summary', async () => {
    const { steps, stats, session } = await parse(sharedTranscript('pi', 'pi_specstory_full_format_SYNTHETIC.jsonl'));
    assert.equal(session.title, 'My test session');
    // parentSession is a path whose file name carries no id.
    assert.equal(session.parentSessionId, undefined);
    assert.deepEqual(
      steps.map((s) => `${s.id}:${s.kind}`),
      ['u1:prompt', 'u1b:prompt', 'a1:0:reasoning', 'a1:1:message', 'a1:call-1:tool', 'a2:message', 'be1:tool', 'brs1:compaction', 'cp1:compaction', 'u2:prompt', 'a3:message'],
    );
    const bash = steps.find((s) => s.id === 'be1');
    assert.ok(bash?.kind === 'tool');
    assert.deepEqual(bash.tool, { name: 'bash', input: { command: 'echo hi' }, output: 'hi', exitCode: 0, status: 'ok' });
    assert.deepEqual(stats.skipped, {
      model_change: 1,
      thinking_level_change: 1,
      session_info: 1,
      label: 1,
      custom: 1,
      custom_message: 1,
      'content/image': 1,
      'message/custom': 1,
      'message/branchSummary': 1,
      'message/compactionSummary': 1,
    });
  });

  it('takes the model from the message, and the usage pi recorded, on the first step of a response', async () => {
    const { steps } = await parse(sharedTranscript('pi', 'pi_specstory_sample.jsonl'));
    const [reasoning, message, tool] = steps.slice(1);
    assert.equal(reasoning?.model, 'accounts/fireworks/routers/glm-5p2-fast');
    assert.deepEqual(reasoning?.usage, { inputTokens: 1000, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.equal(reasoning?.usageKey, '09bac3b1');
    assert.equal(reasoning?.costUSD, 0.011);
    assert.equal(message?.usage, undefined);
    assert.equal(tool?.costUSD, undefined);
    assert.equal(tool?.model, 'accounts/fireworks/routers/glm-5p2-fast');
  });
});
