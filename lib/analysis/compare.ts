// Comparing two sessions: for each, its steps, tools, failures, tokens, cost, wall time, the
// files it changed and whether its patches survived (track); then the files both, only A or only
// B changed, and the difference between their end states, from A to B.
//
// End states: each session's work tree rebuilt from its base commit, its starting state and its
// trail in a scratch worktree (never the user's), and the two trees diffed with git ('trees').
// When a session cannot be rebuilt (no base commit, a base this clone lacks, a patch that does
// not apply), the union of each session's patches is compared instead ('patches'): per file, the
// lines each session's patches added and left, A's against B's. That is an approximation (it
// knows nothing of the lines neither touched) and the result says which was used and why.

import { TraceError } from '../errors.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../refs/git.js';
import { isFailedTool } from '../ctx/tool-facts.js';
import type { AgentName } from '../model/session.js';
import type { IndexedStep } from '../model/step.js';
import { loadSession, type LoadedSession } from '../replay/load.js';
import { effectivePatches, trailUpTo } from '../replay/trail.js';
import { addDetachedWorktree, applyEpisode, hasCommit, removeWorktree, scratchObjects, workTreeTree } from '../replay/worktree.js';
import type { TraceRepo } from '../trace-repo.js';
import { trackSession } from '../trail/track.js';
import { aggregateCost } from './cost.js';

export const COMPARE_VERSION = 1;

export interface SessionSide {
  readonly id: string;
  readonly agent: AgentName;
  readonly title: string | null;
  readonly models: readonly string[];
  readonly steps: number;
  readonly prompts: number;
  readonly toolCalls: number;
  /** Calls per tool name, sorted by name. */
  readonly tools: Readonly<Record<string, number>>;
  /** Tool calls that finished and failed. */
  readonly failures: number;
  readonly tokens: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number; readonly total: number };
  readonly costUSD: number;
  readonly unpricedModels: readonly string[];
  /** First to last step time; null when the steps carry no time. */
  readonly wallMs: number | null;
  /** Files its patches changed, sorted. */
  readonly files: readonly string[];
  readonly survival: { readonly judged: true; readonly at: string; readonly counts: Readonly<Record<string, number>> } | { readonly judged: false; readonly reason: string };
}

export interface FileStat {
  readonly path: string;
  readonly added: number;
  readonly removed: number;
}

export interface EndStateDiff {
  readonly method: 'trees' | 'patches';
  /** Why the patches were compared instead of the trees. */
  readonly reason: string | null;
  /** The rebuilt trees ('trees' only). */
  readonly trees: { readonly a: string; readonly b: string } | null;
  readonly stat: readonly FileStat[];
  /** The whole diff, when asked for. */
  readonly patch: string | null;
}

export interface CompareResult {
  readonly version: typeof COMPARE_VERSION;
  readonly a: SessionSide;
  readonly b: SessionSide;
  readonly files: { readonly both: readonly string[]; readonly onlyA: readonly string[]; readonly onlyB: readonly string[] };
  readonly endState: EndStateDiff;
}

/** Compare sessions `idA` and `idB` (ids or unique prefixes); `patch`: keep the whole end-state diff. */
export async function compareSessions(repo: TraceRepo, idA: string, idB: string, options: { readonly patch: boolean }): Promise<CompareResult> {
  const a = await loadSession(repo, idA);
  const b = await loadSession(repo, idB);
  const sideA = await side(repo, a);
  const sideB = await side(repo, b);
  const inB = new Set(sideB.files);
  const inA = new Set(sideA.files);
  return {
    version: COMPARE_VERSION,
    a: sideA,
    b: sideB,
    files: { both: sideA.files.filter((f) => inB.has(f)), onlyA: sideA.files.filter((f) => !inB.has(f)), onlyB: sideB.files.filter((f) => !inA.has(f)) },
    endState: await endStateDiff(repo, a, b, options.patch),
  };
}

async function side(repo: TraceRepo, loaded: LoadedSession): Promise<SessionSide> {
  const steps = loaded.stored.steps;
  const meta = loaded.stored.meta.session;
  const tools: Record<string, number> = {};
  for (const s of steps) if (s.kind === 'tool') tools[s.tool.name] = (tools[s.tool.name] ?? 0) + 1;
  const cost = aggregateCost([{ session: { id: loaded.id, agent: meta.agent }, steps }], 'session').totals;
  const times = steps.map((s) => (s.timestamp === null ? NaN : Date.parse(s.timestamp))).filter((t) => !Number.isNaN(t));
  const files = [...new Set(steps.flatMap((s) => effectivePatches(s).map((p) => p.path)))].sort();
  return {
    id: loaded.id,
    agent: meta.agent,
    title: meta.title ?? null,
    models: [...new Set(steps.map((s) => s.model).filter((m): m is string => m !== undefined))].sort(),
    steps: steps.length,
    prompts: steps.filter((s) => s.kind === 'prompt' && s.sidechain === undefined).length,
    toolCalls: steps.filter((s) => s.kind === 'tool').length,
    tools: Object.fromEntries(Object.entries(tools).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))),
    failures: steps.filter(isFailedTool).length,
    tokens: { input: cost.inputTokens, output: cost.outputTokens, cacheRead: cost.cacheReadTokens, cacheWrite: cost.cacheWriteTokens, total: cost.inputTokens + cost.outputTokens + cost.cacheReadTokens + cost.cacheWriteTokens },
    costUSD: cost.costUSD,
    unpricedModels: cost.unpricedModels,
    wallMs: times.length === 0 ? null : Math.max(...times) - Math.min(...times),
    files,
    survival: await survival(repo, loaded.id),
  };
}

async function survival(repo: TraceRepo, id: string): Promise<SessionSide['survival']> {
  try {
    const tracked = await trackSession(repo, id);
    return { judged: true, at: tracked.at.ref, counts: tracked.counts };
  } catch (error) {
    // An unborn HEAD, a history git cannot walk: the rest of the comparison still stands.
    if (!(error instanceof TraceError)) throw error;
    return { judged: false, reason: error.message };
  }
}

async function endStateDiff(repo: TraceRepo, a: LoadedSession, b: LoadedSession, withPatch: boolean): Promise<EndStateDiff> {
  const repoDir = repo.git.repo.workTree ?? repo.git.repo.gitDir;
  // The rebuilt trees' objects go to a scratch object directory, removed at the end: a read
  // command leaves nothing in the repository's object store.
  const objects = mkdtempSync(join(tmpdir(), 'git-trace-compare-objects-'));
  const env = scratchObjects(objects, repo.git.repo.commonDir);
  try {
    const treeA = await endTree(repoDir, a, env);
    const treeB = typeof treeA === 'string' ? await endTree(repoDir, b, env) : treeA;
    if (typeof treeA === 'string' && typeof treeB === 'string') {
      const numstat = await git(['diff-tree', '-r', '-z', '--numstat', '--no-renames', treeA, treeB], { cwd: repoDir, env });
      const patch = withPatch ? await git(['diff-tree', '-r', '-p', '--no-renames', treeA, treeB], { cwd: repoDir, env }) : null;
      return { method: 'trees', reason: null, trees: { a: treeA, b: treeB }, stat: parseNumstat(numstat), patch };
    }
    const why = typeof treeA === 'string' ? (treeB as { why: string }).why : treeA.why;
    return { method: 'patches', reason: why, trees: null, ...patchUnionDiff(a.stored.steps, b.stored.steps, withPatch) };
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
}

/** The session's end state as a tree id (its objects written where `env` says), or why it cannot be rebuilt. */
async function endTree(repoDir: string, loaded: LoadedSession, env: Readonly<Record<string, string>>): Promise<string | { why: string }> {
  const base = loaded.stored.meta.session.baseCommit;
  if (base === undefined) return { why: `session '${loaded.id}' has no base commit` };
  if (!(await hasCommit(repoDir, base))) return { why: `the base commit ${base.slice(0, 12)} of session '${loaded.id}' is not in this repository` };
  const steps = loaded.stored.steps;
  const trail = trailUpTo(steps, steps.length === 0 ? -1 : (steps[steps.length - 1] as IndexedStep).index);
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-compare-'));
  const dir = join(scratch, 'tree');
  await addDetachedWorktree(repoDir, dir, base);
  try {
    const report = await applyEpisode(dir, loaded.startState, trail);
    const failed = report.results.find((r) => r.outcome === 'failed');
    if (failed !== undefined) return { why: `session '${loaded.id}': ${failed.step === null ? 'the starting state' : `step ${failed.step}`}'s change to '${failed.path}' does not apply` };
    return await workTreeTree(dir, env);
  } finally {
    await removeWorktree(repoDir, dir);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function parseNumstat(text: string): FileStat[] {
  const out: FileStat[] = [];
  for (const record of text.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(record.replace(/^\n/, ''));
    if (match === null) continue;
    out.push({ path: match[3] as string, added: match[1] === '-' ? 0 : Number(match[1]), removed: match[2] === '-' ? 0 : Number(match[2]) });
  }
  return out;
}

/** Per file, the lines a session's patches added and did not remove again (a multiset). */
function leftLines(steps: readonly IndexedStep[]): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const step of steps) {
    for (const patch of effectivePatches(step)) {
      const lines = byPath.get(patch.path) ?? [];
      for (const line of patch.diff.split('\n')) {
        if (line.startsWith('+') && !line.startsWith('+++')) lines.push(line.slice(1));
        else if (line.startsWith('-') && !line.startsWith('---')) {
          const at = lines.indexOf(line.slice(1));
          if (at !== -1) lines.splice(at, 1);
        }
      }
      byPath.set(patch.path, lines);
    }
  }
  return byPath;
}

/** From A's lines to B's, per file: what B has that A lacks (+) and what A has that B lacks (-). */
function patchUnionDiff(a: readonly IndexedStep[], b: readonly IndexedStep[], withPatch: boolean): { stat: FileStat[]; patch: string | null } {
  const left = leftLines(a);
  const right = leftLines(b);
  const stat: FileStat[] = [];
  const text: string[] = [];
  for (const path of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const onlyA = minus(left.get(path) ?? [], right.get(path) ?? []);
    const onlyB = minus(right.get(path) ?? [], left.get(path) ?? []);
    if (onlyA.length === 0 && onlyB.length === 0) continue;
    stat.push({ path, added: onlyB.length, removed: onlyA.length });
    if (withPatch) text.push(`--- a/${path} (lines session A's patches left)`, `+++ b/${path} (lines session B's patches left)`, ...onlyA.map((l) => `-${l}`), ...onlyB.map((l) => `+${l}`));
  }
  return { stat, patch: withPatch ? (text.length === 0 ? '' : `${text.join('\n')}\n`) : null };
}

function minus(from: readonly string[], take: readonly string[]): string[] {
  const rest = [...take];
  return from.filter((line) => {
    const at = rest.indexOf(line);
    if (at === -1) return true;
    rest.splice(at, 1);
    return false;
  });
}
