// Resume packets: what another agent (or person) needs to continue a session from step N, in a
// few kilobytes: the goal (the prompts), what was done, what failed, what was tried and undone,
// the tests and their last results, and the files that matter. Computed from the stored steps,
// deterministically; nothing is summarised by a model.
//
// "Abandoned" is what the session itself undid (lines a step added that a later step removed, or
// files it created and deleted). Whether the rest survived after the session (reverted, never
// committed) is the business of `track`; `survival` says whether that was known here.

import { addedLines, removedLines } from '../model/patch.js';
import type { IndexedStep, Patch } from '../model/step.js';
import { effectivePatches } from '../replay/trail.js';
import type { StoredSession } from '../store/session-store.js';
import { errorLine, isFailedTool, isTestCommand, shellCommand } from './tool-facts.js';

export const RESUME_VERSION = 1 as const;

export interface ResumePrompt {
  readonly step: number;
  readonly text: string;
}

export interface ResumeAction {
  readonly step: number;
  /** `Edit src/a.js (+3 -1)`, `ran npm test → exit 0`. */
  readonly what: string;
  readonly files: readonly string[];
}

export interface ResumeFailure {
  readonly step: number;
  readonly what: string;
  readonly exitCode: number | null;
  readonly error: string | null;
  /** A later step ran the same command and it passed. */
  readonly laterPassed: boolean;
}

export interface ResumeAbandoned {
  readonly step: number;
  readonly path: string;
  readonly undoneBy: number;
  readonly detail: string;
}

/** A patch (up to the packet's step) whose work did not survive whole at a ref, by `track`. */
export interface ResumeSurvivor {
  readonly step: number;
  readonly path: string;
  /** `reverted`, `lost`, `partial`, `unknown`… (DESIGN.md section 6). */
  readonly state: string;
  readonly reason: string;
}

/** What became of the work after the session: judged by `track` at a ref, or not known (and why). */
export type SurvivalAfter =
  | { readonly known: false; readonly why: string }
  | { readonly known: true; readonly ref: string; readonly commit: string; readonly counts: Readonly<Record<string, number>>; readonly notWhole: readonly ResumeSurvivor[] };

export interface ResumeTest {
  readonly command: string;
  readonly step: number;
  readonly exitCode: number | null;
  readonly passed: boolean;
}

export interface ResumeFile {
  readonly path: string;
  readonly changed: number;
  readonly read: number;
}

export interface ResumePacket {
  readonly version: typeof RESUME_VERSION;
  readonly session: { readonly id: string; readonly agent: string; readonly title: string | null; readonly baseCommit: string | null; readonly branch: string | null };
  /** Continue after this step. */
  readonly step: number;
  readonly stepCount: number;
  readonly goal: { readonly included: boolean; readonly prompts: readonly ResumePrompt[]; readonly omitted: number };
  readonly done: { readonly items: readonly ResumeAction[]; readonly omitted: number };
  readonly failed: readonly ResumeFailure[];
  readonly abandoned: { readonly items: readonly ResumeAbandoned[]; readonly survival: SurvivalAfter };
  readonly tests: readonly ResumeTest[];
  readonly files: readonly ResumeFile[];
  readonly startState: readonly string[];
  readonly lastReply: string | null;
}

export interface ResumeOptions {
  /** Leave the prompts (and the title, taken from the first one) out. */
  readonly includePrompts?: boolean;
  /** Paths of the uncommitted starting state. */
  readonly startState?: readonly Patch[];
  /** What `track` says became of the work (see survival-after.ts); default not known. */
  readonly survival?: SurvivalAfter;
}

const LIMITS = { prompts: 5, promptChars: 1500, done: 20, failed: 10, tests: 10, files: 20, replyChars: 1000, errorChars: 200 } as const;

export function buildResumePacket(stored: StoredSession, step: number, options: ResumeOptions = {}): ResumePacket {
  const meta = stored.meta.session;
  const includePrompts = options.includePrompts ?? true;
  const steps = stored.steps.filter((s) => s.index <= step);
  // A subagent's prompt is the parent agent's instruction to it, not the user's goal.
  const prompts = steps.filter((s) => s.kind === 'prompt' && s.sidechain === undefined).map((s) => ({ step: s.index, text: clip(s.kind === 'prompt' ? s.text : '', LIMITS.promptChars) }));
  const done = steps.flatMap((s) => action(s) ?? []);
  const lastReply = [...steps].reverse().find((s) => s.kind === 'message');
  return {
    version: RESUME_VERSION,
    session: { id: meta.id, agent: meta.agent, title: includePrompts ? meta.title ?? null : null, baseCommit: meta.baseCommit ?? null, branch: meta.gitBranch ?? null },
    step,
    stepCount: stored.steps.length,
    goal: includePrompts ? { included: true, prompts: prompts.slice(-LIMITS.prompts), omitted: Math.max(0, prompts.length - LIMITS.prompts) } : { included: false, prompts: [], omitted: prompts.length },
    done: { items: done.slice(-LIMITS.done), omitted: Math.max(0, done.length - LIMITS.done) },
    failed: failures(steps).slice(-LIMITS.failed),
    abandoned: { items: abandoned(steps), survival: options.survival ?? { known: false, why: 'not judged here' } },
    tests: lastTestResults(steps).slice(-LIMITS.tests),
    files: filesThatMatter(steps).slice(0, LIMITS.files),
    startState: (options.startState ?? []).map((p) => p.path),
    lastReply: lastReply?.kind === 'message' ? clip(lastReply.text, LIMITS.replyChars) : null,
  };
}

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function action(step: IndexedStep): ResumeAction | null {
  if (step.kind !== 'tool') return null;
  const patches = effectivePatches(step);
  const command = shellCommand(step);
  const files = [...new Set(patches.map((p) => p.path))];
  if (command !== null) {
    const result = step.tool.exitCode !== undefined ? `exit ${step.tool.exitCode}` : step.tool.status;
    return { step: step.index, what: `ran ${clip(oneLine(command), 160)} → ${result}${files.length > 0 ? ` (${stat(patches)})` : ''}`, files };
  }
  if (patches.length === 0) return null;
  return { step: step.index, what: `${step.tool.name} ${files.join(', ')} (${stat(patches)})`, files };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function stat(patches: readonly Patch[]): string {
  let added = 0;
  let removed = 0;
  for (const p of patches) {
    added += addedLines(p.diff).length;
    removed += removedLines(p.diff).length;
  }
  return `+${added} -${removed}`;
}

function failures(steps: readonly IndexedStep[]): ResumeFailure[] {
  const out: ResumeFailure[] = [];
  for (const s of steps) {
    if (s.kind !== 'tool' || !isFailedTool(s)) continue;
    const command = shellCommand(s);
    const what = command !== null ? clip(oneLine(command), 160) : s.tool.name;
    const laterPassed = command !== null && steps.some((t) => t.index > s.index && shellCommand(t) === command && t.kind === 'tool' && !isFailedTool(t) && t.tool.status === 'ok');
    const error = errorLine(s.tool.output ?? '');
    out.push({ step: s.index, what, exitCode: s.tool.exitCode ?? null, error: error === null ? null : clip(error, LIMITS.errorChars), laterPassed });
  }
  return out;
}

/** Changes the session itself undid: added lines a later step removed again (all or some), files created then deleted. */
function abandoned(steps: readonly IndexedStep[]): ResumeAbandoned[] {
  const out: ResumeAbandoned[] = [];
  const changes = steps.flatMap((s) => effectivePatches(s).map((p) => ({ step: s.index, patch: p })));
  for (const [i, { step, patch }] of changes.entries()) {
    const added = addedLines(patch.diff).filter((l) => l.trim() !== '');
    if (added.length === 0) continue;
    const later = changes.slice(i + 1).filter((c) => c.patch.path === patch.path || c.patch.oldPath === patch.path);
    const deletion = later.find((c) => c.patch.op === 'delete' || /^\+\+\+ \/dev\/null$/m.test(c.patch.diff));
    if (deletion !== undefined && patch.op === 'add') {
      out.push({ step, path: patch.path, undoneBy: deletion.step, detail: 'created, then deleted' });
      continue;
    }
    const remaining = new Map<string, number>();
    for (const l of added) remaining.set(l, (remaining.get(l) ?? 0) + 1);
    let removed = 0;
    let undoneBy: number | null = null;
    for (const c of later) {
      for (const l of removedLines(c.patch.diff)) {
        const n = remaining.get(l);
        if (n === undefined) continue;
        if (n <= 1) remaining.delete(l);
        else remaining.set(l, n - 1);
        removed++;
        undoneBy = c.step;
      }
      if (remaining.size === 0) break;
    }
    if (undoneBy === null) continue;
    const detail = removed === added.length ? `${added.length === 1 ? 'its added line was' : `all ${added.length} added lines were`} removed again` : `${removed} of its ${added.length} added lines ${removed === 1 ? 'was' : 'were'} removed again`;
    out.push({ step, path: patch.path, undoneBy, detail });
  }
  return out;
}

function lastTestResults(steps: readonly IndexedStep[]): ResumeTest[] {
  const last = new Map<string, ResumeTest>();
  for (const s of steps) {
    const command = shellCommand(s);
    if (command === null || s.kind !== 'tool' || !isTestCommand(command) || s.tool.status === 'pending') continue;
    const key = oneLine(command);
    last.delete(key);
    last.set(key, { command: clip(key, 160), step: s.index, exitCode: s.tool.exitCode ?? null, passed: !isFailedTool(s) && s.tool.status === 'ok' });
  }
  return [...last.values()];
}

function filesThatMatter(steps: readonly IndexedStep[]): ResumeFile[] {
  const files = new Map<string, { changed: number; read: number; last: number; gone: boolean }>();
  const touch = (path: string, key: 'changed' | 'read', step: number, gone = false): void => {
    const f = files.get(path) ?? { changed: 0, read: 0, last: 0, gone: false };
    if (key === 'changed') f.gone = gone;
    f[key]++;
    f.last = Math.max(f.last, step);
    files.set(path, f);
  };
  for (const s of steps) {
    for (const p of effectivePatches(s)) touch(p.path, 'changed', s.index, p.op === 'delete' || /^\+\+\+ \/dev\/null$/m.test(p.diff));
    if (s.kind === 'tool') for (const path of s.tool.reads ?? []) touch(path, 'read', s.index);
  }
  return [...files.entries()]
    // Files deleted by the end matter least: what is left is what the next agent works on.
    .sort(([pa, a], [pb, b]) => Number(a.gone) - Number(b.gone) || b.changed - a.changed || b.read - a.read || b.last - a.last || pa.localeCompare(pb))
    .map(([path, f]) => ({ path, changed: f.changed, read: f.read }));
}
