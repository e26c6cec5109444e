// Replaying a capsule: rebuild the episode (the base commit, the uncommitted starting state, the
// trail up to the verdict's state) in a temporary work tree, run the verdict command with a time
// limit, and judge: reproduces, fixed or inconclusive, with the evidence.
//
// --against REV re-poses the episode on another revision: the episode is rebuilt on its base
// first, its whole change (base → episode) is taken as one diff with full blob ids, and that diff
// is applied to REV with a three-way merge, so it lands even where REV moved the lines.
//
// Caller duty: the verdict command and the patched code come from whoever sealed the capsule:
// running them is running their code. The CLI shows the command, the files that run code and
// the signer, and asks first. The command gets an allowlisted environment with a scratch HOME
// (lib/settings.ts verdictEnvironment) and, where the system allows, no network (sandbox.ts).

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { git, runGit } from '../refs/git.js';
import type { GitRepo } from '../refs/repo.js';
import { UsageError } from '../lib/errors.js';
import { verdictEnvironment } from '../lib/settings.js';
import type { PatchResult } from '../lib/replay/apply.js';
import { splitUnifiedDiff } from '../lib/replay/unified.js';
import { applyEpisode, resolveCommit, workTreeTree } from '../lib/replay/worktree.js';
import { materialize, type BaseSource } from './materialize.js';
import type { Isolation, Network } from './sandbox.js';
import type { OpenedCapsule } from './open.js';
import { judge, outputTail, type Outcome } from './verdict.js';
import { runCommand } from '../lib/replay/run-command.js';

export interface ReplayOptions {
  readonly local: GitRepo | null;
  readonly against?: string;
  /** Keep the work tree here (an empty or missing folder) instead of removing it. */
  readonly keep?: string;
  readonly timeoutMs: number;
  /** How the verdict command runs: capsule/sandbox.ts isolation(). */
  readonly isolation: Isolation;
  readonly progress: (message: string) => void;
}

export interface ReplayReport {
  readonly version: 1;
  readonly capsule: string;
  readonly verdict: Outcome;
  readonly reason: string;
  readonly command: string;
  readonly cwd: string;
  /** Whether the verdict command could reach the network. */
  readonly network: Network;
  readonly base: { readonly commit: string; readonly source: BaseSource | null };
  readonly against: { readonly rev: string; readonly commit: string } | null;
  readonly patches: { readonly applied: number; readonly alreadyThere: number; readonly failed: readonly PatchResult[] };
  readonly evidence: {
    readonly exitCode: number | null;
    readonly signal: string | null;
    readonly timedOut: boolean;
    readonly durationMs: number;
    readonly expectedExitCode: number | null;
    readonly expectedError: string | null;
    readonly matchedError: boolean | null;
    readonly outputTail: string;
  } | null;
  /** The work tree, when kept. */
  readonly worktree: string | null;
}

export async function replayCapsule(capsule: OpenedCapsule, options: ReplayOptions): Promise<ReplayReport> {
  const { payload } = capsule;
  const base = payload.repository.baseCommit;
  const against = await resolveAgainst(options);
  const keep = options.keep === undefined ? null : resolve(options.keep);
  if (keep !== null && existsSync(keep) && (!statSync(keep).isDirectory() || readdirSync(keep).length > 0)) throw new UsageError(`'${keep}' is not an empty folder`, { hint: 'name a new or empty folder with --keep' });
  const scratch = keep === null ? mkdtempSync(join(tmpdir(), 'git-trace-replay-')) : null;
  const dir = keep ?? join(scratch ?? '', 'tree');
  const report = (rest: Pick<ReplayReport, 'verdict' | 'reason' | 'patches' | 'evidence'>, source: BaseSource | null): ReplayReport => ({
    version: 1,
    capsule: capsule.header.id,
    command: payload.verdict.command,
    cwd: payload.verdict.cwd,
    network: options.isolation.network,
    base: { commit: base, source },
    against,
    worktree: keep,
    ...rest,
  });
  let tree;
  try {
    tree = await materialize({ local: options.local, state: payload.repository, bundle: capsule.bundle, checkout: base, dir, progress: options.progress });
  } catch (error) {
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  try {
    const startState = splitUnifiedDiff(payload.repository.startState);
    options.progress(`applying the starting state and ${payload.trail.length} steps' patches`);
    const applied = await applyEpisode(tree.dir, startState, payload.trail);
    const patches = { applied: applied.results.filter((r) => r.outcome === 'applied').length, alreadyThere: applied.results.filter((r) => r.outcome === 'already-there').length, failed: applied.results.filter((r) => r.outcome === 'failed') };
    if (applied.failed > 0) {
      const first = patches.failed[0];
      return report({ verdict: 'inconclusive', reason: `the episode could not be rebuilt: ${first?.step === null ? 'the starting state' : `step ${first?.step}`}'s change to '${first?.path}' did not apply`, patches, evidence: null }, tree.source);
    }
    if (against !== null) {
      const conflict = await reposeOn(tree.dir, base, against.commit);
      if (conflict !== null) return report({ verdict: 'inconclusive', reason: `the episode's changes do not merge onto ${against.rev}: ${conflict}`, patches, evidence: null }, tree.source);
    }
    const cwd = join(tree.dir, payload.verdict.cwd);
    const runIn = existsSync(cwd) ? cwd : tree.dir;
    options.progress(`running ${payload.verdict.command} (time limit ${Math.round(options.timeoutMs / 1000)}s)`);
    const home = mkdtempSync(join(tmpdir(), 'git-trace-replay-home-'));
    let run;
    try {
      run = await runCommand({ command: payload.verdict.command, cwd: runIn, timeoutMs: options.timeoutMs, env: verdictEnvironment(home), isolation: options.isolation });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const judged = judge(payload.verdict, run, tree.dir);
    return report(
      {
        verdict: judged.verdict,
        reason: judged.reason,
        patches,
        evidence: {
          exitCode: run.exitCode,
          signal: run.signal,
          timedOut: run.timedOut,
          durationMs: run.durationMs,
          expectedExitCode: payload.verdict.failure.exitCode,
          expectedError: payload.verdict.failure.errorLine,
          matchedError: judged.matchedError,
          outputTail: outputTail(run.output),
        },
      },
      tree.source,
    );
  } finally {
    if (keep === null) {
      await tree.remove();
      if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
    }
  }
}

async function resolveAgainst(options: ReplayOptions): Promise<{ rev: string; commit: string } | null> {
  if (options.against === undefined) return null;
  const local = options.local;
  if (local === null) throw new UsageError(`--against ${options.against} needs a repository to find it in`, { hint: 'run the replay inside a clone of the repository' });
  const commit = await resolveCommit(local.workTree ?? local.gitDir, options.against);
  if (commit === null) throw new UsageError(`'${options.against}' names no commit here`);
  return { rev: options.against, commit };
}

/**
 * Move the rebuilt episode from its base onto `target`: a three-way merge of the trees (base,
 * target, episode) with git's own plumbing (`read-tree -m`, then `merge-index` with
 * git-merge-one-file for files both sides changed). Null when it merged cleanly.
 */
async function reposeOn(workTree: string, base: string, target: string): Promise<string | null> {
  const episode = await workTreeTree(workTree);
  await runGit(['reset', '--quiet', '--hard', target], { cwd: workTree });
  await runGit(['clean', '-fdxq'], { cwd: workTree });
  const merged = await runGit(['read-tree', '-m', '-u', '--aggressive', base, target, episode], { cwd: workTree, okExitCodes: [128] });
  if (merged.exitCode !== 0) return merged.stderr.trim().split('\n')[0] ?? 'git read-tree failed';
  await runGit(['merge-index', '-o', '-q', 'git-merge-one-file', '-a'], { cwd: workTree, okExitCodes: [1, 2] });
  const unmerged = [...new Set((await git(['ls-files', '--unmerged', '-z'], { cwd: workTree })).split('\0').filter((l) => l !== '').map((l) => l.slice(l.indexOf('\t') + 1)))];
  return unmerged.length > 0 ? `conflicts in ${unmerged.join(', ')}` : null;
}
