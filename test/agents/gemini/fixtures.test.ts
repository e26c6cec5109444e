// The adapter over every real Gemini transcript in ../shared/fixtures/transcripts/gemini/.
//
// Expected numbers were counted once by hand, independently of the adapter, with python3 in
// that folder (for .jsonl: message lines, the last line of each id wins):
//   ms = json.load(open(f))['messages']
//   prompts = sum(m['type'] == 'user'); tools = sum(len(m.get('toolCalls') or []))
//   edits = [c['args']['file_path'] for m in ms for c in m.get('toolCalls') or []
//            if c['name'] in ('write_file', 'replace') and c['status'] == 'success']
//   thoughts = sum(len(m.get('thoughts') or [])); replies = sum(m['type'] == 'gemini' and m['content'] != '')
//   usage = sum('tokens' in m and m['tokens']); total = sum(m['tokens']['total'] for those)
//   exit codes: re.findall(r'Exit Code: (\d+)', output) of each run_shell_command
// The repository roots are the work trees the tools' own output names (e.g. "Successfully
// overwrote file: /Users/…/cli/test-gemini.txt").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateStep } from '../../../lib/model/validate.js';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { parseWith, stepsOfKind } from './support.js';

interface Case {
  readonly file: string;
  readonly sessionId: string;
  readonly repoRoot: string | null;
  readonly prompts: number;
  readonly tools: number;
  readonly edits: readonly string[];
  readonly thoughts: number;
  readonly replies: number;
  readonly usage: number;
  readonly totalTokens: number;
  readonly exitCodes: readonly number[];
}

const ENTIRE = '/Users/peytonmontei/Documents/entire/devenv/entireio/cli';

const CASES: readonly Case[] = [
  {
    file: 'gemini_agtrace_gemini_session.json',
    sessionId: 'f0a689a6-b0ac-407f-afcc-4fafa9e14e8a',
    repoRoot: '/Users/test_user/agent-sample',
    prompts: 2, tools: 5, edits: ['myapp/hoge.py'], thoughts: 9, replies: 7, usage: 7, totalTokens: 67950,
    exitCodes: [0, 0, 1, 0],
  },
  {
    file: 'gemini_entireio-cli_12cbfeaa512b.json',
    sessionId: 'faff42ab-6ea5-4f78-b8c4-f7dd6272af08',
    repoRoot: ENTIRE,
    prompts: 2, tools: 2, edits: ['test-gemini.txt'], thoughts: 6, replies: 2, usage: 4, totalTokens: 49267, exitCodes: [],
  },
  {
    file: 'gemini_entireio-cli_513fab7adf0b.json',
    sessionId: 'fa4593e0-f7e1-4dd1-b656-da95fb4d60fa',
    repoRoot: ENTIRE,
    prompts: 2, tools: 1, edits: ['test-gemini.txt'], thoughts: 4, replies: 1, usage: 2, totalTokens: 24329, exitCodes: [],
  },
  {
    file: 'gemini_entireio-cli_c945f262e88d_subagent-request.json',
    sessionId: 'f7633853-6663-4dbb-bbf4-6159afa29df8',
    repoRoot: ENTIRE,
    prompts: 1, tools: 1, edits: ['docs/blue.md'], thoughts: 3, replies: 2, usage: 2, totalTokens: 24917, exitCodes: [],
  },
  {
    // Its one shell output is in the current format ("Output: …" with no Exit Code line): 0.
    file: 'gemini_agent-sessions_jsonl_v040.jsonl',
    sessionId: 'gemini_stage0_jsonl',
    repoRoot: null,
    prompts: 1, tools: 1, edits: [], thoughts: 0, replies: 1, usage: 2, totalTokens: 24152, exitCodes: [0],
  },
];

describe('gemini adapter on real transcripts', { skip: skipWithoutShared }, () => {
  for (const c of CASES) {
    describe(c.file, () => {
      it('finds the prompts, replies, reasoning and tool calls counted by hand', async () => {
        const { result, warnings } = await parseWith(sharedTranscript('gemini', c.file), c.repoRoot);
        assert.deepEqual(warnings, []);
        assert.equal(stepsOfKind(result.steps, 'prompt').length, c.prompts);
        assert.equal(stepsOfKind(result.steps, 'message').length, c.replies);
        assert.equal(stepsOfKind(result.steps, 'reasoning').length, c.thoughts);
        assert.equal(stepsOfKind(result.steps, 'tool').length, c.tools);
      });

      it('reports one repository-relative patch per successful edit', async () => {
        const { result } = await parseWith(sharedTranscript('gemini', c.file), c.repoRoot);
        const paths = result.steps.flatMap((s) => s.patches ?? []).map((p) => p.path);
        assert.deepEqual(paths, c.edits);
        for (const patch of result.steps.flatMap((s) => s.patches ?? [])) {
          assert.equal(patch.origin, 'reported');
          assert.match(patch.diff, new RegExp(`^--- (a/|/dev/null)[^\\n]*\\n\\+\\+\\+ b/${patch.path}\\n@@ `));
        }
      });

      it('drops edits outside the repository and counts them', { skip: c.edits.length === 0 ? 'the fixture makes no edits' : false }, async () => {
        const { result } = await parseWith(sharedTranscript('gemini', c.file), '/somewhere/else');
        assert.equal(result.steps.flatMap((s) => s.patches ?? []).length, 0);
        assert.equal(result.stats.skipped['edit/outside-repository'], c.edits.length);
      });

      it('emits only valid steps with unique ids', async () => {
        const { result } = await parseWith(sharedTranscript('gemini', c.file), c.repoRoot);
        for (const step of result.steps) {
          const checked = validateStep(JSON.parse(JSON.stringify(step)));
          assert.ok(checked.ok, `${step.id}: ${checked.ok ? '' : checked.error}`);
        }
        const ids = result.steps.map((s) => s.id);
        assert.equal(new Set(ids).size, ids.length);
      });

      it('gives every tool step its result, status and shell exit code', async () => {
        const { result } = await parseWith(sharedTranscript('gemini', c.file), c.repoRoot);
        const tools = stepsOfKind(result.steps, 'tool');
        for (const step of tools) {
          assert.equal(typeof step.tool.output, 'string', step.id);
          assert.notEqual(step.tool.status, 'pending', step.id);
          assert.equal(step.tool.callId, step.id);
        }
        assert.deepEqual(
          tools.filter((s) => s.tool.name === 'run_shell_command').map((s) => s.tool.exitCode),
          c.exitCodes,
        );
      });

      it('counts usage once per model response and keeps the token total', async () => {
        const { result } = await parseWith(sharedTranscript('gemini', c.file), c.repoRoot);
        const withUsage = result.steps.filter((s) => s.usage !== undefined);
        assert.equal(withUsage.length, c.usage);
        assert.equal(new Set(withUsage.map((s) => s.usageKey)).size, c.usage);
        const total = withUsage.reduce((sum, s) => sum + (s.usage?.inputTokens ?? 0) + (s.usage?.cacheReadTokens ?? 0) + (s.usage?.outputTokens ?? 0), 0);
        assert.equal(total, c.totalTokens);
        for (const step of withUsage) assert.equal(typeof step.model, 'string');
      });

      it('describes the session from its metadata', async () => {
        const { result } = await parseWith(sharedTranscript('gemini', c.file), c.repoRoot);
        assert.equal(result.session.id, c.sessionId);
        assert.equal(result.session.agent, 'gemini');
        assert.notEqual(result.session.startedAt, null);
        assert.notEqual(result.session.endedAt, null);
        assert.ok((result.session.startedAt ?? '') <= (result.session.endedAt ?? ''));
        assert.equal(result.session.parentSessionId, undefined);
      });
    });
  }
});
