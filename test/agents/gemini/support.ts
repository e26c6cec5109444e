// Shared by the Gemini adapter tests: parsing with warnings collected, folding incremental
// results the way the store would, temporary folders.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { geminiAdapter, withdrawnStepIds } from '../../../lib/agents/gemini/index.js';
import type { LineWarning } from '../../../lib/agents/lines.js';
import type { Checkpoint, ParseResult } from '../../../lib/agents/types.js';
import type { Step } from '../../../lib/model/step.js';
import { FIXTURES } from '../../helpers/paths.js';

export const GEMINI_FIXTURES = join(FIXTURES, 'gemini');

export interface Parsed {
  readonly result: ParseResult;
  readonly warnings: readonly LineWarning[];
}

export async function parseWith(file: string, repoRoot: string | null = null, from?: Checkpoint): Promise<Parsed> {
  const warnings: LineWarning[] = [];
  const options = { repoRoot, warn: (w: LineWarning): void => void warnings.push(w) };
  const result = await geminiAdapter.parse(file, from === undefined ? options : { ...options, from });
  return { result, warnings };
}

/** What the store holds after these results, in order: latest step per id, withdrawn ids removed. */
export function fold(results: readonly ParseResult[]): Map<string, Step> {
  const store = new Map<string, Step>();
  for (const result of results) {
    for (const step of result.steps) store.set(step.id, step);
    for (const id of withdrawnStepIds(result)) store.delete(id);
  }
  return store;
}

/** A temporary folder removed when the test file ends. */
export function tempDir(prefix = 'git-trace-gemini-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function stepsOfKind<K extends Step['kind']>(steps: readonly Step[], kind: K): Array<Extract<Step, { kind: K }>> {
  return steps.filter((s): s is Extract<Step, { kind: K }> => s.kind === kind);
}
