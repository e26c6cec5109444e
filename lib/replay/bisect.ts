// git trace bisect: at which step of a session did a test start failing? The session's trail is
// replayed in one scratch worktree, rebuilt from the base commit for each probe (start state,
// then the patches up to the step probed), the test command is run there, and a binary search
// over the steps that changed files finds the first one after which the verdict flips.
//
// Runs: one at the end (it must show the change: fail, or pass with `fixed`), then ⌈log2 n⌉
// over the n steps with patches; one more at the start only when the answer is the first step
// (the start must not fail already). The search assumes one flip, as git bisect does.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../../refs/git.js';
import type { IndexedStep } from '../model/step.js';
import { runCommand, PLAIN_SHELL, type CommandRun } from './run-command.js';
import { addDetachedWorktree, applyEpisode, removeWorktree } from './worktree.js';
import { trailUpTo, type TrailEntry } from './trail.js';
import type { LoadedSession } from './load.js';

export interface BisectOptions {
  readonly base: string;
  readonly test: string;
  /** Look for the step that made the test pass instead. */
  readonly fixed: boolean;
  readonly timeoutMs: number;
  /** Called after each run, for progress. */
  readonly onRun?: (run: BisectRun) => void;
}

export interface BisectRun {
  /** The step the tree was rebuilt up to (inclusive); -1: the start (base and start state). */
  readonly step: number;
  readonly outcome: 'pass' | 'fail';
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The patches that did not apply when rebuilding (the answer is then in doubt). */
  readonly unapplied: number;
}

export type BisectResult =
  | { readonly found: true; readonly step: number; readonly runs: readonly BisectRun[]; readonly candidates: number }
  | { readonly found: false; readonly reason: 'no-change-at-end' | 'already-at-start' | 'no-patches'; readonly runs: readonly BisectRun[]; readonly candidates: number };

export async function bisectSession(repoDir: string, loaded: LoadedSession, options: BisectOptions): Promise<BisectResult> {
  const steps = loaded.stored.steps;
  const last = steps.length === 0 ? -1 : (steps[steps.length - 1] as IndexedStep).index;
  const candidates = trailUpTo(steps, last).map((entry) => entry.step);
  const runs: BisectRun[] = [];
  if (candidates.length === 0) return { found: false, reason: 'no-patches', runs, candidates: 0 };
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-bisect-'));
  const dir = join(scratch, 'tree');
  await addDetachedWorktree(repoDir, dir, options.base);
  try {
    // The verdict that marks the change: failing, or passing when looking for the fix.
    const changed = (run: CommandRun): boolean => (run.exitCode === 0 && !run.timedOut) === options.fixed;
    const probe = async (step: number): Promise<boolean> => {
      const report = await rebuild(dir, options.base, loaded, step < 0 ? [] : trailUpTo(steps, step));
      const run = await runCommand({ command: options.test, cwd: dir, timeoutMs: options.timeoutMs, env: testEnvironment(), isolation: PLAIN_SHELL });
      const entry: BisectRun = { step, outcome: run.exitCode === 0 && !run.timedOut ? 'pass' : 'fail', exitCode: run.exitCode, timedOut: run.timedOut, durationMs: run.durationMs, unapplied: report };
      runs.push(entry);
      options.onRun?.(entry);
      return changed(run);
    };
    // Positions: 0 is the start, i (1..n) the tree after candidates[i - 1].
    const n = candidates.length;
    if (!(await probe(candidates[n - 1] as number))) return { found: false, reason: 'no-change-at-end', runs, candidates: n };
    let good = 0;
    let bad = n;
    while (bad - good > 1) {
      const mid = Math.floor((good + bad) / 2);
      if (await probe(candidates[mid - 1] as number)) bad = mid;
      else good = mid;
    }
    if (bad === 1 && (await probe(-1))) return { found: false, reason: 'already-at-start', runs, candidates: n };
    return { found: true, step: candidates[bad - 1] as number, runs, candidates: n };
  } finally {
    await removeWorktree(repoDir, dir);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Back to the base commit, clean, then the start state and the trail: the patches that failed to apply. */
async function rebuild(dir: string, base: string, loaded: LoadedSession, trail: readonly TrailEntry[]): Promise<number> {
  await runGit(['checkout', '--force', '--quiet', '--detach', base], { cwd: dir });
  await runGit(['clean', '-fdxq'], { cwd: dir });
  const report = await applyEpisode(dir, loaded.startState, trail);
  return report.failed;
}

/** The user's own test, run as they would run it, but never inside git-trace's git environment. */
function testEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('GIT_')) env[name] = value;
  return env;
}
