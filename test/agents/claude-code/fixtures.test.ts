// The adapter over every real Claude Code transcript in the shared fixtures (2.0.28 to 2.1.41).
//
// The expected numbers were counted once, by hand, without the adapter: `jq -s -f count.jq FILE`
// with the program below (top-level records plus the subagent messages mirrored in
// `agent_progress` records), and the subagent runs as the distinct agent ids of
// `agent_progress`, `isSidechain` records and Task results.
//
//   def inline: [ .[] | select(.type=="progress" and .data.type=="agent_progress") | .data.message ];
//   def top: [ .[] | select(.type=="user" or .type=="assistant") ];
//   def scaffold: test("^\\s*(<command-name>|<command-message>|<local-command-|<system-reminder>|<bash-|
//                       <task-notification>|Caveat:|\\[Request interrupted|Operation stopped by hook)");
//   (top + inline) as $all
//   | [ top[] | select(.type=="user" and (.isSidechain|not) and (.isMeta|not) and (.isCompactSummary|not))
//       | .message.content | select((type=="string" and (scaffold|not)) or (type=="array"
//         and ([.[]|select(.type=="tool_result")]|length)==0
//         and ([.[]|select(.type=="text" and (.text|test("^\\s*<ide_")|not))]|length) > 0)) ] as $prompts
//   | [ $all[] | select(.type=="assistant") | .message.content[] | select(.type=="tool_use") ] as $uses
//   | [ $all[] | select(.type=="user") | .message.content | arrays | .[] | select(.type=="tool_result") ] as $results
//   | ($results | map({key:.tool_use_id, value:.}) | from_entries) as $byId
//   | [ $uses[] | select(.name=="Edit" or .name=="Write" or .name=="MultiEdit" or .name=="NotebookEdit")
//       | select($byId[.id] != null and $byId[.id].is_error != true) ] as $edits
//   | [ $all[] | select(.type=="assistant" and .message.model != "<synthetic>" and .message.usage != null)
//       | {k: "\(.message.id):\(.requestId)", u: .message.usage} ] | group_by(.k)
//   | map({i: (map(.u.input_tokens // 0)|max), o: (map(.u.output_tokens // 0)|max), ...per field...}) | sums
//
// Errors: `[.. | objects | select(.type=="tool_result" and .is_error==true)] | length`.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { asArray, asString, field, tryParseJson } from '../../../lib/model/json.js';
import type { Step, ToolStep } from '../../../lib/model/step.js';
import { validateStep } from '../../../lib/model/validate.js';
import { skipWithoutShared } from '../../helpers/paths.js';
import { CLAUDE_FIXTURES, dedupedUsage, parse, tempDir } from './support.js';

interface Expected {
  readonly cwd: string;
  readonly prompts: number;
  readonly toolCalls: number;
  readonly pending: number;
  readonly errors: number;
  readonly edits: number;
  readonly subagents: number;
  readonly usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; cacheWrite1hTokens: number };
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  'cc_agtrace_claude_agent_sidechain_v2.0.28.jsonl': {
    cwd: '/Users/test_user/agent-sample', prompts: 0, toolCalls: 0, pending: 0, errors: 0, edits: 0, subagents: 1,
    usage: { inputTokens: 487, outputTokens: 130, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
  },
  'cc_agtrace_claude_session_v2.0.28.jsonl': {
    cwd: '/Users/test_user/agent-sample', prompts: 2, toolCalls: 4, pending: 0, errors: 1, edits: 1, subagents: 0,
    usage: { inputTokens: 74, outputTokens: 844, cacheReadTokens: 93553, cacheWriteTokens: 5158, cacheWrite1hTokens: 0 },
  },
  'cc_entireio-cli_37995ebed6e4_v2.1.12_mcp-summaries.jsonl': {
    cwd: '/Users/gtrrz-victor/wks/cli', prompts: 3, toolCalls: 7, pending: 0, errors: 0, edits: 1, subagents: 0,
    usage: { inputTokens: 88, outputTokens: 22, cacheReadTokens: 425666, cacheWriteTokens: 70925, cacheWrite1hTokens: 0 },
  },
  'cc_entireio-cli_397737088f0a_v2.1.34_opus46.jsonl': {
    cwd: '/Users/paul/src/entireio/cli', prompts: 1, toolCalls: 1, pending: 0, errors: 0, edits: 1, subagents: 0,
    usage: { inputTokens: 4, outputTokens: 10, cacheReadTokens: 44519, cacheWriteTokens: 8055, cacheWrite1hTokens: 8055 },
  },
  'cc_entireio-cli_4c02af2759b6_v2.1.4_task.jsonl': {
    cwd: '/Users/gtrrz-victor/wks/cli', prompts: 1, toolCalls: 1, pending: 1, errors: 0, edits: 0, subagents: 0,
    usage: { inputTokens: 10, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 38385, cacheWrite1hTokens: 0 },
  },
  'cc_entireio-cli_6c3e73767733_v2.1.12_bash-edit-errors.jsonl': {
    cwd: '/Users/gtrrz-victor/wks/gtrrz-victor/improve-status-cmd-output', prompts: 1, toolCalls: 6, pending: 0, errors: 1, edits: 2, subagents: 0,
    usage: { inputTokens: 42, outputTokens: 6, cacheReadTokens: 175563, cacheWriteTokens: 46460, cacheWrite1hTokens: 0 },
  },
  'cc_entireio-cli_ac0df591859d_v2.1.41.jsonl': {
    cwd: '/Users/dip/Repositories/cli', prompts: 3, toolCalls: 35, pending: 0, errors: 0, edits: 3, subagents: 1,
    usage: { inputTokens: 59, outputTokens: 470, cacheReadTokens: 988017, cacheWriteTokens: 102225, cacheWrite1hTokens: 38452 },
  },
  'cc_entireio-cli_b0be9accda39_v2.0.76_tool-error.jsonl': {
    cwd: '/Users/soph/Work/entire/devenv/cli', prompts: 1, toolCalls: 3, pending: 0, errors: 1, edits: 1, subagents: 0,
    usage: { inputTokens: 34, outputTokens: 744, cacheReadTokens: 122052, cacheWriteTokens: 41434, cacheWrite1hTokens: 0 },
  },
  'cc_entireio-cli_c9883595c929_v2.0.74.jsonl': {
    cwd: '/Users/alex/workspace/cli', prompts: 1, toolCalls: 1, pending: 0, errors: 0, edits: 1, subagents: 0,
    usage: { inputTokens: 18, outputTokens: 16, cacheReadTokens: 34788, cacheWriteTokens: 35030, cacheWrite1hTokens: 0 },
  },
  'cc_entireio-cli_ec38b74f08e3_v2.1.29_model-switch.jsonl': {
    cwd: '/Users/gtrrz-victor/wks/test-cli/cli', prompts: 3, toolCalls: 5, pending: 0, errors: 1, edits: 2, subagents: 0,
    usage: { inputTokens: 70, outputTokens: 26, cacheReadTokens: 329215, cacheWriteTokens: 118843, cacheWrite1hTokens: 118843 },
  },
  'cc_entireio-cli_f4bd19c39902_v2.1.3_sonnet-todowrite.jsonl': {
    cwd: '/Users/soph/Work/entire/devenv/cli', prompts: 1, toolCalls: 8, pending: 0, errors: 0, edits: 1, subagents: 0,
    usage: { inputTokens: 106, outputTokens: 3670, cacheReadTokens: 406748, cacheWriteTokens: 10719, cacheWrite1hTokens: 0 },
  },
};

const count = (steps: readonly Step[], kind: Step['kind']): number => steps.filter((s) => s.kind === kind).length;
const tools = (steps: readonly Step[]): ToolStep[] => steps.filter((s): s is ToolStep => s.kind === 'tool');

describe('claude-code adapter on the real transcripts', { skip: skipWithoutShared }, () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    describe(name, () => {
      const file = join(CLAUDE_FIXTURES, name);

      it('finds the prompts, tool calls, edits and subagent runs counted without the adapter', async () => {
        const { steps, warnings, stats } = await parse(file, expected.cwd);
        assert.deepEqual(warnings, []);
        assert.equal(stats.badLines, 0);
        assert.equal(count(steps, 'prompt'), expected.prompts, 'prompts');
        assert.equal(count(steps, 'tool'), expected.toolCalls, 'tool calls');
        assert.equal(steps.flatMap((s) => s.patches ?? []).length, expected.edits, 'patches');
        assert.equal(count(steps, 'subagent'), expected.subagents, 'subagent runs');
        assert.equal(stats.skipped['edit/outside-repository'] ?? 0, 0);
      });

      it('pairs every tool call with its result, and only unanswered calls stay pending', async () => {
        const { steps } = await parse(file, expected.cwd);
        const calls = tools(steps);
        assert.equal(calls.filter((s) => s.tool.status === 'pending').length, expected.pending);
        assert.equal(calls.filter((s) => s.tool.status === 'error' || s.tool.status === 'interrupted').length, expected.errors);
        for (const step of calls) {
          assert.equal(step.tool.callId, step.id);
          if (step.tool.status === 'pending') assert.equal(step.tool.output, undefined);
          else assert.equal(typeof step.tool.output, 'string', `${step.id} has its result`);
          if (step.tool.name === 'Bash' && step.tool.status === 'ok') assert.equal(step.tool.exitCode, 0);
        }
      });

      it('emits only valid steps with unique ids, sessions and timestamps', async () => {
        const { steps, session } = await parse(file, expected.cwd);
        const ids = steps.map((s) => s.id);
        assert.equal(new Set(ids).size, ids.length, 'unique ids');
        for (const step of steps) {
          const checked = validateStep(JSON.parse(JSON.stringify(step)));
          assert.ok(checked.ok, `${step.id}: ${checked.ok ? '' : checked.error}`);
          assert.deepEqual(checked.value, step, `${step.id} survives a JSON round trip unchanged`);
        }
        assert.equal(session.agent, 'claude-code');
        assert.equal(session.cwd, expected.cwd);
        assert.match(session.id, /^[0-9a-f-]{36}$/);
        assert.ok(session.startedAt !== null && session.endedAt !== null && session.startedAt <= session.endedAt);
      });

      it('sums deduplicated usage to the independently counted totals', async () => {
        const { steps } = await parse(file, expected.cwd);
        assert.deepEqual(dedupedUsage(steps), expected.usage);
        for (const step of steps) if (step.usage !== undefined) assert.ok(step.model !== undefined && step.usageKey !== undefined);
      });
    });
  }

  it('reads the exit code of a failing Bash call from its result text', async () => {
    const { steps } = await parse(join(CLAUDE_FIXTURES, 'cc_entireio-cli_6c3e73767733_v2.1.12_bash-edit-errors.jsonl'), null);
    const failed = tools(steps).filter((s) => s.tool.status === 'error');
    assert.deepEqual(failed.map((s) => [s.tool.name, s.tool.exitCode]), [['Bash', 1]]);
  });

  it('marks a call the user refused as interrupted', async () => {
    const { steps } = await parse(join(CLAUDE_FIXTURES, 'cc_entireio-cli_b0be9accda39_v2.0.76_tool-error.jsonl'), null);
    const refused = tools(steps).filter((s) => s.tool.status === 'interrupted');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.tool.name, 'Write');
    assert.equal(refused[0]?.patches, undefined, 'a refused edit changed nothing');
  });

  it('puts the subagent run right after its Task call, with its messages as sidechain steps', async () => {
    const { steps } = await parse(join(CLAUDE_FIXTURES, 'cc_entireio-cli_ac0df591859d_v2.1.41.jsonl'), '/Users/dip/Repositories/cli');
    const at = steps.findIndex((s) => s.kind === 'subagent');
    const run = steps[at];
    assert.ok(run?.kind === 'subagent');
    assert.equal(steps[at - 1]?.id, run.parentCallId);
    assert.equal(run.agentId, 'ad355fd');
    assert.match(run.text ?? '', /^Search the codebase/);
    const inside = steps.filter((s) => s.sidechain !== undefined);
    assert.equal(inside.length, 18);
    for (const step of inside) assert.deepEqual(step.sidechain, { agentId: 'ad355fd', parentCallId: run.parentCallId });
    assert.ok(inside.every((s) => s.model === 'claude-haiku-4-5-20251001'));
  });

  it('lists the files Read calls read, repository-relative', async () => {
    const { steps } = await parse(join(CLAUDE_FIXTURES, 'cc_entireio-cli_6c3e73767733_v2.1.12_bash-edit-errors.jsonl'), '/Users/gtrrz-victor/wks/gtrrz-victor/improve-status-cmd-output');
    const reads = tools(steps).flatMap((s) => s.tool.reads ?? []);
    assert.deepEqual(reads, ['cmd/entire/cli/telemetry/detached.go', 'cmd/entire/cli/telemetry/detached_unix.go']);
  });

  it('drops and counts edits outside the repository', async () => {
    const { steps, stats } = await parse(join(CLAUDE_FIXTURES, 'cc_entireio-cli_ac0df591859d_v2.1.41.jsonl'), '/somewhere/else');
    assert.equal(steps.flatMap((s) => s.patches ?? []).length, 0);
    assert.equal(stats.skipped['edit/outside-repository'], 3);
  });

  it('writes edit patches that git applies to the original file, giving the edited file', async () => {
    const dir = tempDir();
    execFileSync('git', ['init', '-q', dir]);
    let checked = 0;
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const file = join(CLAUDE_FIXTURES, name);
      const results = originalTexts(file);
      const { steps } = await parse(file, expected.cwd);
      for (const step of tools(steps)) {
        const patch = step.patches?.[0];
        const known = results.get(step.id);
        if (patch === undefined || known === undefined) continue;
        const target = join(dir, patch.path);
        mkdirSync(dirname(target), { recursive: true });
        if (known.before !== null) writeFileSync(target, known.before);
        execFileSync('git', ['apply', '--unsafe-paths', '-'], { cwd: dir, input: patch.diff });
        const edited = readFileSync(target, 'utf8');
        assert.ok(edited.includes(known.expect), `${name} ${step.id}: the edited text is in the file`);
        if (known.before === null) assert.equal(edited, known.expect);
        execFileSync('git', ['clean', '-fdq'], { cwd: dir });
        checked += 1;
      }
    }
    assert.equal(checked, 13, 'every edit of the fixtures was applied');
  });
});

/** Per tool call id: the file before (null for a creation) and text the file must hold after. */
function originalTexts(file: string): Map<string, { before: string | null; expect: string }> {
  const out = new Map<string, { before: string | null; expect: string }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const record = tryParseJson(line);
    const result = field(record, 'toolUseResult');
    const callId = asString(field(asArray(field(record, 'message', 'content'))[0], 'tool_use_id'));
    const expect = asString(field(result, 'newString')) ?? asString(field(result, 'content'));
    if (callId === undefined || expect === undefined || asString(field(result, 'filePath')) === undefined) continue;
    out.set(callId, { before: asString(field(result, 'originalFile')) ?? null, expect });
  }
  return out;
}
