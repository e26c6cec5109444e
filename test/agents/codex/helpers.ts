// Shared by the Codex adapter tests: temporary rollout files, whole and sliced (incremental)
// parses, and reductions of their results.

import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codexAdapter } from '../../../lib/agents/codex/index.js';
import type { LineWarning } from '../../../lib/agents/lines.js';
import type { Checkpoint, ContextItem, ParseResult } from '../../../lib/agents/types.js';
import type { Step, Usage } from '../../../lib/model/step.js';

let scratch: string | undefined;

/** A temporary folder for this test process, removed when it exits. */
export function scratchDir(): string {
  if (scratch === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'git-trace-codex-'));
    scratch = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

let counter = 0;

/** A fresh file path in the scratch folder, named like a rollout unless told otherwise. */
export function scratchFile(name?: string): string {
  counter += 1;
  return join(scratchDir(), name ?? `rollout-2026-01-01T00-00-00-0000000${counter}-0000-7000-8000-000000000000.jsonl`);
}

/** Write records (objects, or raw strings taken as lines) as a JSONL file. */
export function writeRollout(records: readonly unknown[], file = scratchFile()): string {
  writeFileSync(file, records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}

export interface Parsed {
  readonly result: ParseResult;
  readonly warnings: LineWarning[];
}

export async function parseFile(file: string, repoRoot: string | null = null, from?: Checkpoint): Promise<Parsed> {
  const warnings: LineWarning[] = [];
  const result = await codexAdapter.parse(file, { repoRoot, warn: (w) => warnings.push(w), ...(from === undefined ? {} : { from }) });
  return { result, warnings };
}

export interface Sliced {
  readonly steps: readonly Step[];
  readonly context: readonly ContextItem[];
  readonly warnings: readonly LineWarning[];
  readonly parses: number;
}

/** Steps of several parses merged the way the store keeps them: by id, latest wins, first place kept. */
export function mergeSteps(batches: readonly (readonly Step[])[]): Step[] {
  const order: string[] = [];
  const byId = new Map<string, Step>();
  for (const batch of batches) {
    for (const step of batch) {
      if (!byId.has(step.id)) order.push(step.id);
      byId.set(step.id, step);
    }
  }
  return order.map((id) => byId.get(id) as Step);
}

/**
 * Grow a copy of `source` to each byte offset in `cuts` (then to its end), parsing after each
 * growth from the previous checkpoint, as a live import would; the state goes through JSON.
 */
export async function parseGrowing(source: string, cuts: readonly number[], repoRoot: string | null = null): Promise<Sliced> {
  const bytes = readFileSync(source);
  const file = scratchFile();
  writeFileSync(file, '');
  let written = 0;
  let from: Checkpoint | undefined;
  const batches: Step[][] = [];
  const context: ContextItem[] = [];
  const warnings: LineWarning[] = [];
  for (const cut of [...cuts, bytes.length]) {
    if (cut > written) {
      appendFileSync(file, bytes.subarray(written, cut));
      written = cut;
    }
    const parsed = await parseFile(file, repoRoot, from);
    batches.push([...parsed.result.steps]);
    context.push(...parsed.result.context);
    warnings.push(...parsed.warnings);
    from = JSON.parse(JSON.stringify(parsed.result.checkpoint)) as Checkpoint;
  }
  return { steps: mergeSteps(batches), context, warnings, parses: batches.length };
}

/** Byte offsets just past each newline: the line boundaries of a file. */
export function lineEnds(file: string): number[] {
  const bytes = readFileSync(file);
  const ends: number[] = [];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) ends.push(i + 1);
  return ends;
}

export interface UsageSum {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export function sumUsage(steps: readonly Step[]): UsageSum {
  const sum: UsageSum = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  for (const step of steps) {
    const usage: Usage | undefined = step.usage;
    if (usage === undefined) continue;
    sum.inputTokens += usage.inputTokens;
    sum.cacheReadTokens += usage.cacheReadTokens;
    sum.cacheWriteTokens += usage.cacheWriteTokens;
    sum.outputTokens += usage.outputTokens;
    sum.reasoningTokens += usage.reasoningTokens ?? 0;
  }
  return sum;
}

/** What a step says, without its id (ids carry line numbers, which move when lines are inserted). */
export function projection(steps: readonly Step[]): unknown[] {
  return steps.map((step) => {
    const { id: _id, usageKey: _key, ...rest } = step;
    return rest;
  });
}

/** Envelope helper for synthetic rollouts. */
export function rec(type: string, payload: Record<string, unknown>, timestamp = '2026-01-01T00:00:00.000Z'): Record<string, unknown> {
  return { timestamp, type, payload };
}

export const SESSION_ID = '019b0000-0000-7000-8000-00000000c0de';

export function sessionMeta(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return rec('session_meta', { id: SESSION_ID, timestamp: '2026-01-01T00:00:00.000Z', cwd: '/work/repo', cli_version: '0.130.0', source: 'cli', ...extra });
}
