// Playing a Claude Code session live, through the real hooks, with the transcript lines Claude
// Code writes: a prompt, tool calls whose effect on disk the test performs between PreToolUse and
// PostToolUse, replies. Shared by the capsule, checkout, replay and resume tests.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { LiveSession } from '../helpers/live-session.js';
import type { TempRepo } from '../helpers/repo.js';

type Json = Record<string, unknown>;

export interface ToolResult {
  readonly output: string;
  /** A failing Bash call: Claude Code marks the result as an error and prefixes `Exit code N`. */
  readonly exitCode?: number;
}

export class ClaudePlay {
  readonly live: LiveSession;
  private last: string | null = null;
  private n = 0;

  /**
   * `capture: 'import'` plays the agent without hooks (only its transcript is written), and
   * `finish` imports the transcript, as a user without hooks installed would.
   */
  constructor(
    readonly repo: TempRepo,
    readonly sessionId: string,
    private readonly capture: 'hooks' | 'import' = 'hooks',
  ) {
    // Inside .git: out of the work tree, and removed with the repository.
    const transcripts = join(repo.dir, '.git', 'test-transcripts');
    mkdirSync(transcripts, { recursive: true });
    this.live = new LiveSession(repo, 'claude-code', sessionId, join(transcripts, `${sessionId}.jsonl`));
  }

  private hook(event: string, extra: Json): void {
    if (this.capture === 'hooks') this.live.hook(event, extra);
  }

  private record(type: string, message: Json, extra: Json = {}): Json {
    const uuid = `u${++this.n}`;
    const rec = { parentUuid: this.last, isSidechain: false, userType: 'external', cwd: this.repo.dir, sessionId: this.sessionId, version: '2.1.41', gitBranch: 'main', type, message, uuid, timestamp: this.live.tick(), ...extra };
    this.last = uuid;
    return rec;
  }

  start(prompt: string): void {
    this.hook('SessionStart', { source: 'startup' });
    this.prompt(prompt);
  }

  prompt(text: string): void {
    this.hook('UserPromptSubmit', { prompt: text });
    this.live.write(this.record('user', { role: 'user', content: text }));
  }

  /** One tool call: `act` changes the disk as the tool would; returns the call id. */
  tool(name: string, input: Json, act: () => void, result: ToolResult): string {
    const id = `toolu_${this.n}_${name}`;
    this.live.write(this.record('assistant', { id: `msg_${this.n}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'tool_use', id, name, input }], usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } }, { requestId: `req_${this.n}` }));
    this.hook('PreToolUse', { tool_name: name, tool_input: input, tool_use_id: id });
    act();
    const failed = result.exitCode !== undefined && result.exitCode !== 0;
    this.hook(failed ? 'PostToolUseFailure' : 'PostToolUse', { tool_name: name, tool_input: input, tool_use_id: id, ...(failed ? { error: result.output } : { tool_response: { stdout: result.output, stderr: '', interrupted: false } }) });
    const content = failed ? `Exit code ${result.exitCode}\n${result.output}` : result.output;
    const toolUseResult = failed ? `Error: ${content}` : { stdout: result.output, stderr: '', interrupted: false, isImage: false };
    this.live.write(this.record('user', { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, ...(failed ? { is_error: true } : {}) }] }, { toolUseResult }));
    return id;
  }

  reasoning(text: string): void {
    this.live.write(this.record('assistant', { id: `msg_${this.n}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'thinking', thinking: text, signature: 'sig' }], usage: { input_tokens: 1, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } }, { requestId: `req_${this.n}` }));
  }

  reply(text: string): void {
    this.live.write(this.record('assistant', { id: `msg_${this.n}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text }], usage: { input_tokens: 1, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } }, { requestId: `req_${this.n}` }));
  }

  /** Stop, end the session and store it (flush what the hooks saw, or import the transcript). */
  finish(): void {
    this.hook('Stop', { stop_hook_active: false });
    this.hook('SessionEnd', { reason: 'prompt_input_exit' });
    const stored = this.repo.trace(this.capture === 'hooks' ? ['flush'] : ['import', this.live.transcript ?? '']);
    assert.equal(stored.status, 0, stored.stderr);
  }
}

/** The tree of everything in a work tree right now (as `add -A` sees it), through a throw-away index. */
export function treeOf(dir: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-test-index-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(scratch, 'index') };
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
    git('read-tree', 'HEAD');
    git('add', '-A', '--', '.');
    return git('write-tree');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Steps as `show --json` prints them. */
export interface ShownStep {
  readonly index: number;
  readonly kind: string;
  readonly text?: string;
  readonly tool?: { readonly name: string; readonly callId?: string; readonly exitCode?: number; readonly status: string };
  readonly patches?: readonly { readonly path: string; readonly origin: string; readonly diff: string }[];
}

export function shownSteps(repo: TempRepo, id: string): ShownStep[] {
  const shown = repo.trace(['show', '--json', id]);
  assert.equal(shown.status, 0, shown.stderr);
  return (JSON.parse(shown.stdout) as { steps: ShownStep[] }).steps;
}

export function stepOfCall(steps: readonly ShownStep[], callId: string): number {
  const step = steps.find((s) => s.tool?.callId === callId);
  assert.ok(step !== undefined, `no step for ${callId}`);
  return step.index;
}
