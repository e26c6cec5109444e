// Shared by the Claude Code adapter tests: parsing with collected warnings, temporary folders,
// synthetic records, and how steps of several parses combine (latest version of each id wins).

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { claudeCodeAdapter } from '../../../lib/agents/claude-code/index.js';
import type { LineWarning } from '../../../lib/agents/lines.js';
import type { Checkpoint, ParseResult } from '../../../lib/agents/types.js';
import type { Step, Usage } from '../../../lib/model/step.js';
import { SHARED_TRANSCRIPTS } from '../../helpers/paths.js';

export const CLAUDE_FIXTURES = join(SHARED_TRANSCRIPTS, 'claude-code');

export function fixtureNames(): string[] {
  try {
    return readdirSync(CLAUDE_FIXTURES)
      .filter((name) => name.endsWith('.jsonl'))
      .sort();
  } catch {
    return [];
  }
}

export interface Parsed extends ParseResult {
  readonly warnings: readonly LineWarning[];
}

export async function parse(file: string, repoRoot: string | null = null, from?: Checkpoint): Promise<Parsed> {
  const warnings: LineWarning[] = [];
  const result = await claudeCodeAdapter.parse(file, { repoRoot, warn: (w) => warnings.push(w), ...(from === undefined ? {} : { from }) });
  return { ...result, warnings };
}

/** A temporary folder removed when the test file ends. */
export function tempDir(prefix = 'git-trace-cc-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeJsonl(path: string, records: readonly unknown[]): string {
  writeFileSync(path, records.map((r) => `${typeof r === 'string' ? r : JSON.stringify(r)}\n`).join(''));
  return path;
}

/** What a store does with re-emitted steps: one per id, the latest version. */
export function latestById(...parses: readonly (readonly Step[])[]): Map<string, Step> {
  const byId = new Map<string, Step>();
  for (const steps of parses) for (const step of steps) byId.set(step.id, step);
  return new Map([...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Usage counted the way the cost code does: the maximum per field per usageKey, summed. */
export function dedupedUsage(steps: readonly Step[]): Required<Omit<Usage, 'reasoningTokens'>> {
  const perKey = new Map<string, Usage>();
  for (const step of steps) {
    if (step.usage === undefined || step.usageKey === undefined) continue;
    const seen = perKey.get(step.usageKey);
    const u = step.usage;
    perKey.set(
      step.usageKey,
      seen === undefined
        ? u
        : {
            inputTokens: Math.max(seen.inputTokens, u.inputTokens),
            outputTokens: Math.max(seen.outputTokens, u.outputTokens),
            cacheReadTokens: Math.max(seen.cacheReadTokens, u.cacheReadTokens),
            cacheWriteTokens: Math.max(seen.cacheWriteTokens, u.cacheWriteTokens),
            cacheWrite1hTokens: Math.max(seen.cacheWrite1hTokens ?? 0, u.cacheWrite1hTokens ?? 0),
          },
    );
  }
  const sum = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
  for (const u of perKey.values()) {
    sum.inputTokens += u.inputTokens;
    sum.outputTokens += u.outputTokens;
    sum.cacheReadTokens += u.cacheReadTokens;
    sum.cacheWriteTokens += u.cacheWriteTokens;
    sum.cacheWrite1hTokens += u.cacheWrite1hTokens ?? 0;
  }
  return sum;
}

// Synthetic records, shaped like Claude Code 2.1.x writes them (only the fields the adapter reads).

export const SESSION = '11111111-2222-4333-8444-555555555555';
export const CWD = '/work/repo';

let clock = Date.parse('2026-02-01T10:00:00Z');

function envelope(uuid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  clock += 1000;
  return { parentUuid: null, isSidechain: false, cwd: CWD, sessionId: SESSION, version: '2.1.41', gitBranch: 'main', uuid, timestamp: new Date(clock).toISOString(), ...extra };
}

export function userText(uuid: string, content: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...envelope(uuid, extra), type: 'user', message: { role: 'user', content } };
}

export interface ResultOptions {
  readonly isError?: boolean;
  readonly toolUseResult?: unknown;
  readonly extra?: Record<string, unknown>;
}

export function toolResult(uuid: string, callId: string, content: unknown, options: ResultOptions = {}): Record<string, unknown> {
  return {
    ...envelope(uuid, options.extra),
    type: 'user',
    message: { role: 'user', content: [{ tool_use_id: callId, type: 'tool_result', content, ...(options.isError === undefined ? {} : { is_error: options.isError }) }] },
    ...(options.toolUseResult === undefined ? {} : { toolUseResult: options.toolUseResult }),
  };
}

export interface AssistantOptions {
  readonly messageId?: string;
  readonly requestId?: string;
  readonly model?: string;
  readonly usage?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
}

export function assistant(uuid: string, content: readonly unknown[], options: AssistantOptions = {}): Record<string, unknown> {
  return {
    ...envelope(uuid, options.extra),
    type: 'assistant',
    requestId: options.requestId ?? `req_${uuid}`,
    message: {
      model: options.model ?? 'claude-opus-4-6',
      id: options.messageId ?? `msg_${uuid}`,
      type: 'message',
      role: 'assistant',
      content,
      stop_reason: null,
      usage: options.usage ?? { input_tokens: 3, cache_creation_input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 5 },
    },
  };
}

export function toolUse(id: string, name: string, input: unknown): Record<string, unknown> {
  return { type: 'tool_use', id, name, input };
}

export function system(uuid: string, subtype: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...envelope(uuid), type: 'system', subtype, ...extra };
}
