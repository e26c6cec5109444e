// `blame pr`: a range's commits walked back to the sessions and steps that produced them. Per
// session: the intent (its prompts, quoted), the lineage (session → steps → patches → commits)
// and the evidence (commands and tests run with their exit codes, files read); per commit its
// message; next to the diff. Deterministic: nothing depends on the time of the run, and every
// list has a stable order, so the same history gives the same bytes.
//
// Scoped to the range: only the sessions with a patch on a path the range's commits touched are
// read, from the catalog (prompts, commands and exit codes included); nothing is decrypted.

import { runGit } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { UsageError } from '../errors.js';
import type { AgentName } from '../model/session.js';
import { drivingPrompt, nextPrompt, stepFacts, stepModel, type ToolFact } from '../catalog/steps.js';
import type { CatalogDb } from '../catalog/db.js';
import type { TraceRepo } from '../trace-repo.js';
import { anchorPatch } from './anchor.js';
import { commitsTouching, renameClosure } from './path-index.js';
import { resolveCommit } from './revision.js';
import { FileLookup, openTrail, prepare, scopeSession, sessionsOnPaths, type SessionScope } from './scope.js';

export const PR_VERSION = 1;

export interface PrCommit {
  readonly id: string;
  readonly subject: string;
  /** The whole message, as written. */
  readonly message: string;
  readonly author: string;
  readonly addedLines: number;
  /** Added lines that trace to a session's patch. */
  readonly agentLines: number;
  readonly steps: readonly { readonly session: string; readonly step: number }[];
}

export interface PrPatch {
  readonly step: number;
  readonly stepId: string;
  readonly tool: string | null;
  readonly path: string;
  /** The patch's lines found in the range's commits. */
  readonly lines: number;
  readonly commits: readonly string[];
}

export interface PrPrompt {
  readonly step: number;
  readonly text: string;
  /** Set when `text` is an excerpt (or empty: prompts left out): the whole prompt's length. */
  readonly chars?: number;
  readonly cut?: true;
}

export interface PrCommand {
  readonly step: number;
  readonly tool: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly status: string;
}

export interface PrSession {
  readonly id: string;
  readonly agent: AgentName;
  readonly title: string | null;
  readonly models: readonly string[];
  readonly intent: readonly PrPrompt[];
  readonly lineage: readonly PrPatch[];
  readonly evidence: { readonly commands: readonly PrCommand[]; readonly filesRead: readonly string[] };
}

export interface PrFile {
  readonly path: string;
  /** null for binary files. */
  readonly added: number | null;
  readonly removed: number | null;
}

export interface PrReport {
  readonly version: typeof PR_VERSION;
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly ref: string; readonly commit: string };
  readonly commits: readonly PrCommit[];
  readonly sessions: readonly PrSession[];
  readonly diff: { readonly stat: string; readonly files: readonly PrFile[] };
}

export interface PrOptions {
  /** `BASE..HEAD`; default the merge-base with the default branch, to HEAD. */
  readonly range?: string;
  /** Compare with this branch's merge-base instead. */
  readonly base?: string;
  readonly warn?: (message: string) => void;
}

export async function blamePr(repo: TraceRepo, options: PrOptions = {}): Promise<PrReport> {
  const git = repo.git.repo;
  const range = await resolveRange(git, options);
  const commits = await rangeCommits(git, range.base.commit, range.head.commit);
  const ctx = await openTrail(repo, { include: [range.head.commit] });
  const inRange = new Set(commits.map((c) => c.id));
  await prepare(ctx, [], inRange);
  // The sessions that can reach the range: a patch on a path its commits touched.
  const touched = new Set<string>();
  for (const id of inRange) for (const file of ctx.cache.get(id)?.files ?? []) touched.add(file.path);
  const paths = renameClosure(ctx.db, touched);
  const universe = new Set([...commitsTouching(ctx.db, paths)].filter((c) => inRange.has(c)));
  const scopes = sessionsOnPaths(ctx, paths).map((evidence) => scopeSession(ctx, evidence, universe));
  const lookup = new FileLookup(ctx, inRange);

  const claimed = new Map<string, Set<string>>(); // commit → "path\0line" claimed by some patch
  const stepsByCommit = new Map<string, Map<string, { session: string; step: number }>>();
  const sessions: PrSession[] = [];
  for (const scope of scopes) {
    const among = new Set([...inRange].filter((c) => scope.candidates.has(c)));
    const lineage: PrPatch[] = [];
    for (const patch of scope.evidence.patches) {
      const anchors = anchorPatch(patch, lookup.recordsToAnchor(patch, [patch.path], among));
      const lines = anchors.lines.filter((l) => l.length > 0).length;
      if (lines === 0) continue;
      const touched = new Set<string>();
      for (const list of anchors.lines) {
        for (const a of list) {
          touched.add(a.commit);
          addTo(claimed, a.commit, `${a.path}\u0000${a.n}`);
          const bySession = stepsByCommit.get(a.commit) ?? new Map<string, { session: string; step: number }>();
          bySession.set(`${patch.session}\u0000${patch.step}`, { session: patch.session, step: patch.step });
          stepsByCommit.set(a.commit, bySession);
        }
      }
      lineage.push({
        step: patch.step,
        stepId: patch.stepId,
        tool: stepFacts(ctx.db, patch.session, patch.step, patch.step + 1)[0]?.tool ?? null,
        path: patch.path,
        lines,
        commits: commits.filter((c) => touched.has(c.id)).map((c) => c.id),
      });
    }
    if (lineage.length > 0) sessions.push(prSession(ctx.db, scope, lineage));
  }

  const prCommits = commits.map((c): PrCommit => {
    const record = ctx.cache.get(c.id);
    const addedLines = (record?.files ?? []).reduce((n, f) => n + f.hunks.reduce((m, h) => m + h.added.length, 0), 0);
    const steps = [...(stepsByCommit.get(c.id)?.values() ?? [])].sort((a, b) => a.session.localeCompare(b.session) || a.step - b.step);
    return { ...c, addedLines, agentLines: claimed.get(c.id)?.size ?? 0, steps };
  });
  const order = new Map(prCommits.map((c, i) => [c.id, i]));
  sessions.sort((a, b) => firstCommit(a, order) - firstCommit(b, order) || a.id.localeCompare(b.id));
  const diff = await diffSummary(git, range.mergeBase, range.head.commit);
  return { version: PR_VERSION, base: range.base, head: range.head, commits: prCommits, sessions, diff };
}

function firstCommit(s: PrSession, order: ReadonlyMap<string, number>): number {
  return Math.min(...s.lineage.flatMap((p) => p.commits.map((c) => order.get(c) ?? Infinity)));
}

function prSession(db: CatalogDb, scope: SessionScope, lineage: readonly PrPatch[]): PrSession {
  const { meta } = scope.evidence;
  const contributing = [...new Set(lineage.map((p) => p.step))].sort((a, b) => a - b);
  const prompts = new Map<number, PrPrompt>();
  const models = new Set<string>();
  for (const index of contributing) {
    const prompt = drivingPrompt(db, meta.id, index);
    if (prompt !== null) prompts.set(prompt.index, { step: prompt.index, text: prompt.text });
    const model = stepModel(db, meta.id, index);
    if (model !== null) models.add(model);
  }
  // The work's window: from the first prompt that drove a patch, to the prompt after the last patch.
  const first = Math.min(...[...prompts.keys(), ...contributing]);
  const last = contributing[contributing.length - 1] ?? first;
  const window = stepFacts(db, meta.id, first, nextPrompt(db, meta.id, last) ?? Number.MAX_SAFE_INTEGER);
  return {
    id: meta.id,
    agent: meta.agent,
    title: meta.title ?? null,
    models: [...models].sort(),
    intent: [...prompts.values()].sort((a, b) => a.step - b.step),
    lineage: [...lineage].sort((a, b) => a.step - b.step || a.path.localeCompare(b.path)),
    evidence: { commands: window.flatMap(commandOf), filesRead: [...new Set(window.flatMap((s) => (s.kind === 'tool' ? s.reads : [])))].sort() },
  };
}

function commandOf(step: ToolFact): PrCommand[] {
  if (step.kind !== 'tool' || step.command === null) return [];
  return [{ step: step.index, tool: step.tool ?? '', command: step.command, exitCode: step.exitCode, status: step.status ?? 'ok' }];
}

interface Range {
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly ref: string; readonly commit: string };
  /** What the diff is taken from: the merge-base of base and head. */
  readonly mergeBase: string;
}

export async function resolveRange(git: GitRepo, options: PrOptions): Promise<Range> {
  if (options.range !== undefined && options.base !== undefined) throw new UsageError('give either BASE..HEAD or --base, not both');
  let baseRef: string;
  let headRef = 'HEAD';
  if (options.range !== undefined) {
    const parts = options.range.split('..');
    if (parts.length !== 2 || parts.some((p) => p.startsWith('.'))) throw new UsageError(`'${options.range}' is not a range`, { hint: 'write it BASE..HEAD, e.g. main..HEAD' });
    baseRef = parts[0] === '' ? 'HEAD' : (parts[0] as string);
    headRef = parts[1] === '' ? 'HEAD' : (parts[1] as string);
  } else baseRef = options.base ?? (await defaultBranch(git));
  const head = await resolveCommit(git, headRef);
  const baseCommit = await resolveCommit(git, baseRef);
  const merged = await runGit(['merge-base', baseCommit, head], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir }, okExitCodes: [1] });
  const mergeBase = merged.exitCode === 0 ? merged.stdout.toString('utf8').trim() : baseCommit;
  // With --base (or the default), the PR's base is where the branch left it.
  const base = options.range === undefined ? { ref: baseRef, commit: mergeBase } : { ref: baseRef, commit: baseCommit };
  return { base, head: { ref: headRef, commit: head }, mergeBase };
}

/** origin/HEAD's branch, else main, else master. */
async function defaultBranch(git: GitRepo): Promise<string> {
  const env = { GIT_DIR: git.gitDir };
  const origin = await runGit(['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD'], { cwd: git.gitDir, env, okExitCodes: [1, 128] });
  if (origin.exitCode === 0) return origin.stdout.toString('utf8').trim();
  const found = await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/main', 'refs/heads/master'], { cwd: git.gitDir, env });
  const names = found.stdout.toString('utf8').split('\n').filter((n) => n !== '');
  const name = names.includes('main') ? 'main' : names.includes('master') ? 'master' : undefined;
  if (name === undefined) throw new UsageError('cannot tell the default branch', { hint: 'name the base: git trace blame pr --base BRANCH, or BASE..HEAD' });
  return name;
}

async function rangeCommits(git: GitRepo, base: string, head: string): Promise<{ id: string; subject: string; message: string; author: string }[]> {
  const result = await runGit(['log', '--topo-order', '--reverse', '--no-color', '--format=%x00%H%x00%an%x00%B', `${base}..${head}`, '--'], { cwd: git.gitDir, env: { GIT_DIR: git.gitDir } });
  const parts = result.stdout.toString('utf8').split('\u0000');
  const out: { id: string; subject: string; message: string; author: string }[] = [];
  for (let i = 1; i + 2 < parts.length; i += 3) {
    const id = (parts[i] ?? '').trim();
    if (id === '') continue;
    const message = (parts[i + 2] ?? '').replace(/\s+$/, '');
    out.push({ id, author: parts[i + 1] ?? '', message, subject: message.split('\n')[0] ?? '' });
  }
  return out;
}

async function diffSummary(git: GitRepo, from: string, to: string): Promise<{ stat: string; files: PrFile[] }> {
  const env = { GIT_DIR: git.gitDir };
  const args = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M'];
  const [stat, numstat] = await Promise.all([
    runGit([...args, '--stat=100', from, to, '--'], { cwd: git.gitDir, env }),
    runGit([...args, '--numstat', '-z', from, to, '--'], { cwd: git.gitDir, env }),
  ]);
  return { stat: stat.stdout.toString('utf8').replace(/\s+$/, ''), files: parseNumstat(numstat.stdout.toString('utf8')) };
}

/** `--numstat -z`: `added\tremoved\tpath\0`, or for a rename `added\tremoved\t\0old\0new\0`. */
function parseNumstat(text: string): PrFile[] {
  const parts = text.split('\u0000');
  const out: PrFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const head = parts[i] ?? '';
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(head);
    if (match === null) continue;
    let path = match[3] ?? '';
    if (path === '') {
      path = parts[i + 2] ?? '';
      i += 2;
    }
    out.push({ path, added: match[1] === '-' ? null : Number(match[1]), removed: match[2] === '-' ? null : Number(match[2]) });
  }
  return out;
}

function addTo<K, V>(map: Map<K, Set<V>>, k: K, v: V): void {
  const set = map.get(k);
  if (set === undefined) map.set(k, new Set([v]));
  else set.add(v);
}
