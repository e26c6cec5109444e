// Checks the stress tests run on a repository after the fact: git's own view (fsck), git-trace's
// (`git trace verify`), and what is stored, read back through the library.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexedStep, ToolStep } from '../../lib/model/step.js';
import type { TraceRepo } from '../../lib/trace-repo.js';
import { runCli, type TempRepo } from './repo.js';

/**
 * `git fsck` exits 0 and reports nothing but dangling objects (snapshots and objects of a
 * flush that lost its race or was killed are unreferenced by design). `strict` adds --strict.
 */
export function assertFsckClean(dir: string, options: { strict?: boolean; context?: string } = {}): void {
  const args = ['fsck', '--no-progress', ...(options.strict === true ? ['--strict'] : [])];
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const problems = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('dangling '));
  const where = options.context === undefined ? '' : ` (${options.context})`;
  assert.equal(result.status, 0, `git ${args.join(' ')} failed${where}:\n${problems.join('\n')}`);
  assert.deepEqual(problems, [], `git ${args.join(' ')} reported problems${where}`);
}

/** `git trace verify` decrypts every chunk and checks every chain: it must exit 0. */
export function assertVerifyClean(r: TempRepo, context?: string): void {
  const result = runCli(['verify'], { cwd: r.dir });
  assert.equal(result.status, 0, `git trace verify failed${context === undefined ? '' : ` (${context})`}:\n${result.stdout}${result.stderr}`);
}

/** Every stored step id, per session, read through the library. */
export async function storedStepIds(repo: TraceRepo): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const ref of await repo.sessions.refs()) {
    const session = await repo.sessions.read(ref.id);
    out.set(ref.id, new Set(session.steps.map((s) => s.id)));
  }
  return out;
}

/** The ids in `before` missing from `after`, as "session/step" strings (empty: nothing lost). */
export function lostSteps(before: ReadonlyMap<string, ReadonlySet<string>>, after: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const lost: string[] = [];
  for (const [session, ids] of before) {
    const now = after.get(session);
    for (const id of ids) if (now?.has(id) !== true) lost.push(`${session}/${id}`);
  }
  return lost;
}

export function isToolStep(step: IndexedStep): step is IndexedStep & ToolStep {
  return step.kind === 'tool';
}

/** A live session's flushed offset (how much of its spool is stored), or null when none is recorded. */
export function flushedOffset(r: TempRepo, sessionId: string): number | null {
  const path = join(r.dir, '.git', 'opentraces', 'capture', sessionId, 'flushed');
  return existsSync(path) ? Number(readFileSync(path, 'utf8')) : null;
}

/** The size of a live session's spool in bytes, or null when it has none. */
export function spoolSize(r: TempRepo, sessionId: string): number | null {
  const path = join(r.dir, '.git', 'opentraces', 'capture', sessionId, 'spool.jsonl');
  return existsSync(path) ? statSync(path).size : null;
}

/** Files left in git-trace's temporary folder (objects staged for git; a killed process leaves its own). */
export function leftoverTemporaries(r: TempRepo): string[] {
  const tmp = join(r.dir, '.git', 'opentraces', 'tmp');
  return existsSync(tmp) && statSync(tmp).isDirectory() ? readdirSync(tmp) : [];
}

/** What the hooks logged as having gone wrong (they never fail, so this is where errors show). */
export function hookLog(r: TempRepo): string {
  const path = join(r.dir, '.git', 'opentraces', 'logs', 'hook.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
