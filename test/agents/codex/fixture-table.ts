// The real Codex rollouts the tests read, with counts taken independently of the adapter
// (how: see the header of fixtures.test.ts).

export interface FixtureRow {
  readonly name: string;
  readonly prompts: number;
  readonly tools: number;
  readonly edits: number;
  /** The session's cwd, used as the repository root so every edit is inside. */
  readonly repoRoot: string;
  readonly sessionId: string;
  /** Curated files mix records of several sessions: their timeline is not checked for truth. */
  readonly curated?: boolean;
}

export const FIXTURES: readonly FixtureRow[] = [
  { name: 'codex_agtrace_codex_session_v0.66.0.jsonl', prompts: 2, tools: 5, edits: 1, repoRoot: '/Users/test_user/agent-sample', sessionId: '019b04ae-b1c6-7c72-a134-a4c2de66058c' },
  { name: 'codex_agtrace_rollout-parent-019b88e0_v0.77.0.jsonl', prompts: 1, tools: 0, edits: 0, repoRoot: '/test/project', sessionId: '019b88e0-0b0f-7bb0-a9ba-5cc2d8dffde9' },
  { name: 'codex_external-agents_5cd654717a10_v0.121.0_multiturn.jsonl', prompts: 15, tools: 152, edits: 26, repoRoot: '/Users/soph/Work/entire/devenv/external-agents', sessionId: '019da9bd-7cbb-7d22-b21c-80faf72e7f8a' },
  { name: 'codex_external-agents_c3b191fe1158_v0.123.0.jsonl', prompts: 2, tools: 83, edits: 10, repoRoot: '/Users/ninawork/entire/external-agents/agents/entire-agent-kiro', sessionId: '019dbcc1-3812-72e1-9caa-f97edd88215b' },
  { name: 'codex_external-agents_f590660a2345_v0.125.0_gpt-5.5.jsonl', prompts: 1, tools: 66, edits: 13, repoRoot: '/Users/ninawork/entire/external-agents', sessionId: '019dc116-c183-74f3-8f98-b4e5bd8eddfa' },
  { name: 'codex_agent-sessions_stage0_small_curated.jsonl', prompts: 3, tools: 11, edits: 1, repoRoot: '/tmp/repo', sessionId: '019fc8be-3658-7ca3-9e29-000000000000', curated: true },
];

