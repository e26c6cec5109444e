// Insights: one session's signals (signals.ts), the patches of it that track finds undone, and
// a scorecard by insight-rules.ts's formula; over many sessions, the recurring problems ranked
// by how many sessions show them. Survival is judged for one session only: over many it would
// walk the history once per session, so it is left out and the result says so.

import { TraceError } from '../errors.js';
import type { AgentName } from '../model/session.js';
import type { StoredSession } from '../store/session-store.js';
import type { TraceRepo } from '../trace-repo.js';
import { trackSession } from '../trail/track.js';
import { FAILURE_OUTCOMES, grade, SCORE_CAP, SCORE_FORMULA, SCORE_WEIGHTS, SIGNAL_KINDS, UNDONE_STATES, type FailureOutcome, type SignalKind } from './insight-rules.js';
import { stepSignals, type Signal } from './signals.js';

export const INSIGHTS_VERSION = 1;

/** Whether track judged the session's patches, and if not, why. */
export type SurvivalCheck =
  | { readonly judged: true; readonly at: string; readonly counts: Readonly<Record<string, number>> }
  | { readonly judged: false; readonly reason: string };

export interface Scorecard {
  readonly counts: Readonly<Record<SignalKind, number>>;
  readonly failures: Readonly<Record<FailureOutcome, number>>;
  /** Penalty per kind, after the cap. */
  readonly penalties: Readonly<Record<SignalKind, number>>;
  readonly score: number;
  readonly grade: string;
  readonly formula: string;
}

export interface SessionInsights {
  readonly session: { readonly id: string; readonly agent: AgentName; readonly title: string | null; readonly steps: number };
  readonly signals: readonly Signal[];
  readonly survival: SurvivalCheck;
  readonly scorecard: Scorecard;
}

/** One session's insights; `judgeSurvival` runs track on it (one history walk). */
export async function sessionInsights(repo: TraceRepo, id: string, stored: StoredSession, judgeSurvival: boolean): Promise<SessionInsights> {
  const meta = stored.meta.session;
  const signals: Signal[] = stepSignals(stored.steps, { workTree: repo.git.repo.workTree, cwd: meta.cwd ?? null });
  let survival: SurvivalCheck = { judged: false, reason: 'not judged over many sessions: run insights on one session for it' };
  if (judgeSurvival) {
    const judged = await undonePatches(repo, id);
    survival = judged.survival;
    signals.push(...judged.signals);
    signals.sort((a, b) => a.step - b.step || a.kind.localeCompare(b.kind));
  }
  return { session: { id, agent: meta.agent, title: meta.title ?? null, steps: stored.steps.length }, signals, survival, scorecard: scorecard(signals) };
}

async function undonePatches(repo: TraceRepo, id: string): Promise<{ survival: SurvivalCheck; signals: Signal[] }> {
  try {
    const tracked = await trackSession(repo, id);
    const undone = tracked.patches.filter((p) => (UNDONE_STATES as readonly string[]).includes(p.state));
    const signals = undone.map((p): Signal => ({ kind: 'patch-undone', step: p.step, steps: [p.step], path: p.path, state: p.state, summary: `patch to ${p.path} ${p.state} at ${tracked.at.ref}: ${p.reason}` }));
    return { survival: { judged: true, at: tracked.at.ref, counts: tracked.counts }, signals };
  } catch (error) {
    // An unborn HEAD, a history git cannot walk: no survival to judge, the rest still stands.
    if (!(error instanceof TraceError)) throw error;
    return { survival: { judged: false, reason: error.message }, signals: [] };
  }
}

export function scorecard(signals: readonly Signal[]): Scorecard {
  const counts = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, 0])) as Record<SignalKind, number>;
  const failures = Object.fromEntries(FAILURE_OUTCOMES.map((o) => [o, 0])) as Record<FailureOutcome, number>;
  const raw = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, 0])) as Record<SignalKind, number>;
  for (const signal of signals) {
    counts[signal.kind]++;
    if (signal.kind === 'failure') {
      failures[signal.outcome]++;
      raw.failure += SCORE_WEIGHTS.failure[signal.outcome];
    } else raw[signal.kind] += SCORE_WEIGHTS[signal.kind];
  }
  const penalties = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, Math.min(SCORE_CAP, raw[k])])) as Record<SignalKind, number>;
  const score = Math.max(0, 100 - SIGNAL_KINDS.reduce((sum, k) => sum + penalties[k], 0));
  return { counts, failures, penalties, score, grade: grade(score), formula: SCORE_FORMULA };
}

/** A recurring problem: one kind of signal (failures by outcome, loops by what) over sessions. */
export interface Problem {
  readonly problem: string;
  readonly signal: SignalKind;
  readonly sessions: number;
  readonly occurrences: number;
  /** Up to EXAMPLES, from different sessions first. */
  readonly examples: readonly { readonly session: string; readonly step: number; readonly summary: string }[];
}

/** A call (by its kind, see callKind) that failed in more than one session. */
export interface RecurringFailure {
  readonly call: string;
  readonly sessions: number;
  readonly outcomes: Readonly<Record<FailureOutcome, number>>;
  readonly examples: readonly { readonly session: string; readonly step: number }[];
}

export interface InsightsSummary {
  readonly sessions: number;
  readonly problems: readonly Problem[];
  /** Calls that failed in two sessions or more, most sessions first. */
  readonly failingCalls: readonly RecurringFailure[];
  readonly scores: readonly { readonly session: string; readonly title: string | null; readonly score: number; readonly grade: string; readonly signals: number }[];
}

const EXAMPLES = 3;

/** The problem a signal counts under. */
function problemOf(signal: Signal): string {
  switch (signal.kind) {
    case 'failure':
      return `failure ${signal.outcome}`;
    case 'loop':
      return `loop (${signal.what})`;
    case 're-steer':
      return `re-steer (${signal.how})`;
    case 'unused-output':
    case 're-read':
    case 'compaction':
    case 'patch-undone':
      return signal.kind;
  }
}

/** Rank problems by sessions showing them, then occurrences, then name. */
export function summarize(all: readonly SessionInsights[]): InsightsSummary {
  const byProblem = new Map<string, { signal: SignalKind; sessions: Set<string>; occurrences: number; examples: { session: string; step: number; summary: string }[] }>();
  for (const insights of all) {
    for (const signal of insights.signals) {
      const key = problemOf(signal);
      const entry = byProblem.get(key) ?? { signal: signal.kind, sessions: new Set<string>(), occurrences: 0, examples: [] };
      if (!entry.sessions.has(insights.session.id) && entry.examples.length < EXAMPLES) entry.examples.push({ session: insights.session.id, step: signal.step, summary: signal.summary });
      entry.sessions.add(insights.session.id);
      entry.occurrences++;
      byProblem.set(key, entry);
    }
  }
  const problems = [...byProblem.entries()]
    .map(([problem, e]): Problem => ({ problem, signal: e.signal, sessions: e.sessions.size, occurrences: e.occurrences, examples: e.examples }))
    .sort((a, b) => b.sessions - a.sessions || b.occurrences - a.occurrences || a.problem.localeCompare(b.problem));
  const byCall = new Map<string, { sessions: Set<string>; outcomes: Record<FailureOutcome, number>; examples: { session: string; step: number }[] }>();
  for (const insights of all) {
    for (const signal of insights.signals) {
      if (signal.kind !== 'failure') continue;
      const entry = byCall.get(signal.call) ?? { sessions: new Set<string>(), outcomes: Object.fromEntries(FAILURE_OUTCOMES.map((o) => [o, 0])) as Record<FailureOutcome, number>, examples: [] };
      if (!entry.sessions.has(insights.session.id) && entry.examples.length < EXAMPLES) entry.examples.push({ session: insights.session.id, step: signal.step });
      entry.sessions.add(insights.session.id);
      entry.outcomes[signal.outcome]++;
      byCall.set(signal.call, entry);
    }
  }
  const failingCalls = [...byCall.entries()]
    .filter(([, e]) => e.sessions.size > 1)
    .map(([call, e]): RecurringFailure => ({ call, sessions: e.sessions.size, outcomes: e.outcomes, examples: e.examples }))
    .sort((a, b) => b.sessions - a.sessions || a.call.localeCompare(b.call));
  const scores = all
    .map((i) => ({ session: i.session.id, title: i.session.title, score: i.scorecard.score, grade: i.scorecard.grade, signals: i.signals.length }))
    .sort((a, b) => a.score - b.score || a.session.localeCompare(b.session));
  return { sessions: all.length, problems, failingCalls, scores };
}
