// Shared by the pi adapter tests: running a parse, applying results the way the store does,
// writing small session files into temporary folders.

import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { piAdapter } from '../../../lib/agents/pi/index.js';
import type { LineWarning } from '../../../lib/agents/lines.js';
import type { Checkpoint, ParseResult } from '../../../lib/agents/types.js';
import type { Step } from '../../../lib/model/step.js';

export const PI_FIXTURES = [
  'pi_agent-sessions_small.jsonl',
  'pi_cka-buddy_agent-sessions_builder.json',
  'pi_pi-mono_large-session.jsonl',
  'pi_specstory_full_format_SYNTHETIC.jsonl',
  'pi_specstory_sample.jsonl',
] as const;

export interface Parsed extends ParseResult {
  readonly warnings: readonly LineWarning[];
}

export async function parse(file: string, options: { repoRoot?: string | null; from?: Checkpoint } = {}): Promise<Parsed> {
  const warnings: LineWarning[] = [];
  const result = await piAdapter.parse(file, {
    repoRoot: options.repoRoot ?? null,
    warn: (warning) => warnings.push(warning),
    ...(options.from === undefined ? {} : { from: options.from }),
  });
  return { ...result, warnings };
}

/** What the store keeps after several parses: one step per id, the latest version, in first-seen order. */
export function applySteps(batches: readonly (readonly Step[])[]): Step[] {
  const byId = new Map<string, Step>();
  for (const batch of batches) for (const step of batch) byId.set(step.id, step);
  return [...byId.values()];
}

export function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [key, n] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}

export interface TempDir {
  readonly dir: string;
  /** Write JSONL lines (objects are serialized, strings written as they are). */
  session(name: string, lines: readonly unknown[]): string;
  append(file: string, lines: readonly unknown[]): void;
  cleanup(): void;
}

export function tempDir(prefix = 'git-trace-pi-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const text = (lines: readonly unknown[]): string => lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
  return {
    dir,
    session(name, lines) {
      const file = join(dir, name);
      writeFileSync(file, text(lines));
      return file;
    },
    append(file, lines) {
      appendFileSync(file, text(lines));
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Entries of a small v3 session, built the way pi writes them. */
export const build = {
  header(cwd: string, id = '11111111-2222-4333-8444-555555555555'): unknown {
    return { type: 'session', version: 3, id, timestamp: '2026-01-02T03:04:05.000Z', cwd };
  },
  user(id: string, parentId: string | null, text: string): unknown {
    return { type: 'message', id, parentId, timestamp: '2026-01-02T03:04:06.000Z', message: { role: 'user', content: [{ type: 'text', text }], timestamp: 1767323046000 } };
  },
  call(id: string, parentId: string | null, calls: readonly { id: string; name: string; arguments: unknown }[], stopReason = 'toolUse'): unknown {
    return {
      type: 'message',
      id,
      parentId,
      timestamp: '2026-01-02T03:04:07.000Z',
      message: {
        role: 'assistant',
        content: calls.map((c) => ({ type: 'toolCall', ...c })),
        api: 'anthropic-messages',
        provider: 'anthropic',
        model: 'claude-test',
        usage: { input: 10, output: 5, cacheRead: 2, cacheWrite: 1, totalTokens: 18, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.25 } },
        stopReason,
      },
    };
  },
  result(id: string, parentId: string | null, callId: string, toolName: string, text: string, extra: { isError?: boolean; details?: unknown } = {}): unknown {
    return {
      type: 'message',
      id,
      parentId,
      timestamp: '2026-01-02T03:04:08.000Z',
      message: { role: 'toolResult', toolCallId: callId, toolName, content: [{ type: 'text', text }], isError: extra.isError ?? false, details: extra.details, timestamp: 1767323048000 },
    };
  },
};
