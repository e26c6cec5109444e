// git trace bisect: at which step of a session did a test start failing? The session's trail is
// replayed in one scratch worktree, rebuilt from the base commit for each probe (start state,
// then the patches up to the step probed), the test command is run there, and a binary search
// over the steps that changed files finds the first one after which the verdict flips.
//
// Runs: one at the end (it must show the change: fail, or pass with `fixed`), then ⌈log2 n⌉
// over the n steps with patches; one more at the start only when the answer is the first step
// (the start must not fail already). The search assumes one flip, as git bisect does.
// bisectTrail is the search alone, over any trail and work tree: `capsule bisect` runs it on a
// capsule's trail in a tree rebuilt from the capsule, with the capsule's isolation.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../../refs/git.js';
import type { IndexedStep, Patch } from '../model/step.js';
import { runCommand, PLAIN_SHELL, type CommandRun, type CommandWrapper } from './run-command.js';
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
  /** Where the test runs, relative to the work tree's top (default: the top). */
  readonly cwd?: string;
  /** The test's whole environment (default: the caller's, less git's own variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** How the test runs (default: plain /bin/sh). */
  readonly isolation?: CommandWrapper;
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

/** What a search rebuilds: a work tree it may reset at will, and the episode to replay there. */
export interface BisectTarget {
  /** A work tree whose HEAD can be detached to `base` (a linked worktree or a scratch clone). */
  readonly dir: string;
  readonly startState: readonly Patch[];
  /** The steps that changed files, in order, with their patches. */
  readonly trail: readonly TrailEntry[];
}

/** Bisect a stored session: its trail, rebuilt in a scratch worktree of `repoDir`. */
export async function bisectSession(repoDir: string, loaded: LoadedSession, options: BisectOptions): Promise<BisectResult> {
  const steps = loaded.stored.steps;
  const last = steps.length === 0 ? -1 : (steps[steps.length - 1] as IndexedStep).index;
  const trail = trailUpTo(steps, last);
  if (trail.length === 0) return { found: false, reason: 'no-patches', runs: [], candidates: 0 };
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-bisect-'));
  const dir = join(scratch, 'tree');
  await addDetachedWorktree(repoDir, dir, options.base);
  try {
    return await bisectTrail({ dir, startState: loaded.startState, trail }, options);
  } finally {
    await removeWorktree(repoDir, dir);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The binary search itself, over a trail in a work tree the caller made (and removes). */
export async function bisectTrail(target: BisectTarget, options: BisectOptions): Promise<BisectResult> {
  const candidates = target.trail.map((entry) => entry.step);
  const runs: BisectRun[] = [];
  if (candidates.length === 0) return { found: false, reason: 'no-patches', runs, candidates: 0 };
  const { dir } = target;
  const cwd = options.cwd === undefined ? dir : join(dir, options.cwd);
  // The verdict that marks the change: failing, or passing when looking for the fix.
  const changed = (run: CommandRun): boolean => (run.exitCode === 0 && !run.timedOut) === options.fixed;
  const probe = async (step: number): Promise<boolean> => {
    const report = await rebuild(dir, options.base, target.startState, target.trail.filter((entry) => entry.step <= step));
    const run = await runCommand({ command: options.test, cwd: existsSync(cwd) ? cwd : dir, timeoutMs: options.timeoutMs, env: options.env ?? testEnvironment(), isolation: options.isolation ?? PLAIN_SHELL });
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
}

/** Back to the base commit, clean, then the start state and the trail: the patches that failed to apply. */
async function rebuild(dir: string, base: string, startState: readonly Patch[], trail: readonly TrailEntry[]): Promise<number> {
  await runGit(['checkout', '--force', '--quiet', '--detach', base], { cwd: dir });
  await runGit(['clean', '-fdxq'], { cwd: dir });
  const report = await applyEpisode(dir, startState, trail);
  return report.failed;
}

/** The user's own test, run as they would run it, but never inside git-trace's git environment. */
function testEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('GIT_')) env[name] = value;
  return env;
}
