// What each MCP tool answers, as plain JSON values: the same library calls the CLI commands make
// (list, search, show, blame, blame pr, track, show --ctx), nothing that writes. Egress and size
// bounds are the server's (answer.ts); here only the shape, the trust marks and the follow-up ids.

import { NotFoundError, UsageError } from '../errors.js';
import { search } from '../catalog/search.js';
import { requireReadable, type SessionFilter } from '../catalog/sessions.js';
import { trustStates } from '../catalog/trust.js';
import { contextAt } from '../ctx/window.js';
import { buildResumePacket } from '../ctx/resume.js';
import { survivalAfter } from '../ctx/survival-after.js';
import { loadSession } from '../replay/load.js';
import { isRecord } from '../model/json.js';
import type { IndexedStep } from '../model/step.js';
import { listSessions, resolveSessionId, summarize } from '../store/queries.js';
import type { StoredSession } from '../store/session-store.js';
import type { TrustState } from '../store/trust.js';
import type { TraceRepo } from '../trace-repo.js';
import { blameFile } from '../trail/blame.js';
import { blamePr } from '../trail/blame-pr.js';
import { prForEgress } from '../trail/pr-egress.js';
import { trackSession } from '../trail/track.js';
import type { RedactionConfig } from '../crypto/redact.js';
import type { Scrubber } from '../egress/scrub.js';

export type Json = Record<string, unknown>;

/** The most steps one `show_session` answer lists. */
export const TIMELINE_PAGE = 200;

const UNTRUSTED_NOTE = "sessions marked trust 'untrusted' are not signed by a recipient of this repository: anyone can encrypt to public keys, so their text may be forged";

/** Trust per id, and a note when any is untrusted. */
async function trustOf(repo: TraceRepo, ids: Iterable<string>): Promise<{ trust: Map<string, TrustState>; note: Json }> {
  const trust = await trustStates(repo, [...new Set(ids)]);
  const untrusted = [...trust.values()].some((s) => s === 'untrusted');
  return { trust, note: untrusted ? { warning: UNTRUSTED_NOTE } : {} };
}

export async function listAnswer(repo: TraceRepo, filter: SessionFilter, limit: number): Promise<Json> {
  const { sessions, total, unreadable } = await listSessions(repo, filter, limit);
  if (sessions.length === 0 && total === 0 && unreadable.length > 0) {
    throw new NotFoundError(`none of the ${unreadable.length} sessions here is encrypted to your key`, { hint: 'check that GIT_TRACE_IDENTITY names your key' });
  }
  const { trust, note } = await trustOf(repo, sessions.map((s) => s.id));
  return {
    version: 1,
    sessions: sessions.map((s) => ({ ...s, trust: trust.get(s.id) ?? null })),
    total,
    ...(total > sessions.length ? { more: `${total - sessions.length} more sessions: raise limit (at most 100) or narrow with agent or since` } : {}),
    ...(unreadable.length > 0 ? { unreadable: unreadable.map((u) => ({ id: u.id, why: u.message })) } : {}),
    ...note,
    next: 'show_session {session} for a timeline; show_step {session, step} for one step',
  };
}

export async function searchAnswer(repo: TraceRepo, query: string, options: SessionFilter & { readonly file?: string; readonly limit: number }): Promise<Json> {
  const catalog = await repo.catalog();
  const hits = search(catalog.db, query, options);
  const { trust, note } = await trustOf(repo, hits.map((h) => h.session));
  return { version: 1, query, hits: hits.map((h) => ({ ...h, trust: trust.get(h.session) ?? null })), ...note, next: 'show_step {session, step} for a hit in full' };
}

/** A session the key can read, by id or unique prefix; a KeyError naming it when it cannot. */
export async function readSession(repo: TraceRepo, idOrPrefix: string): Promise<{ id: string; session: StoredSession; trust: TrustState | null }> {
  const id = await resolveSessionId(repo, idOrPrefix);
  requireReadable((await repo.catalog()).db, id);
  const session = await repo.sessions.read(id);
  const trust = (await trustStates(repo, [id])).get(id) ?? null;
  return { id, session, trust };
}

function sessionHead(id: string, session: StoredSession, trust: TrustState | null): Json {
  const m = session.meta.session;
  return {
    ...summarize(m, session.meta.stepCount),
    baseCommit: m.baseCommit ?? null,
    cwd: m.cwd ?? null,
    gitBranch: m.gitBranch ?? null,
    agentVersion: m.agentVersion ?? null,
    trust,
    ...(trust === 'untrusted' ? { warning: UNTRUSTED_NOTE } : {}),
    id,
  };
}

export async function sessionAnswer(repo: TraceRepo, idOrPrefix: string, from: number): Promise<Json> {
  const { id, session, trust } = await readSession(repo, idOrPrefix);
  const steps = session.steps.slice(from, from + TIMELINE_PAGE);
  const rest = session.steps.length - from - steps.length;
  return {
    version: 1,
    session: sessionHead(id, session, trust),
    steps: steps.map(stepLine),
    ...(rest > 0 ? { more: `${rest} more steps: show_session {session: '${id}', from_step: ${from + steps.length}}` } : {}),
    next: `show_step {session: '${id}', step: N} for step N in full; step_context for what the model saw`,
  };
}

/** One step in the timeline: what it is, in a line. */
function stepLine(step: IndexedStep): Json {
  const base = { step: step.index, kind: step.kind, timestamp: step.timestamp, ...(step.model === undefined ? {} : { model: step.model }) };
  const files = (step.patches ?? []).map((p) => p.path);
  switch (step.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      return { ...base, summary: oneLine(step.text, 200) };
    case 'tool':
      return {
        ...base,
        tool: step.tool.name,
        summary: oneLine(typeof step.tool.input === 'string' ? step.tool.input : JSON.stringify(step.tool.input) ?? '', 200),
        status: step.tool.status,
        ...(step.tool.exitCode === undefined ? {} : { exitCode: step.tool.exitCode }),
        ...(files.length > 0 ? { files: [...new Set(files)] } : {}),
      };
    case 'compaction':
      return { ...base, summary: oneLine(step.text ?? '', 200) };
    case 'subagent':
      return { ...base, agentId: step.agentId, summary: oneLine(step.text ?? '', 200) };
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export async function stepAnswer(repo: TraceRepo, idOrPrefix: string, index: number): Promise<{ id: string; answer: Json }> {
  const { id, session, trust } = await readSession(repo, idOrPrefix);
  const step = stepOf(id, session, index);
  return { id, answer: { version: 1, session: { id, trust, ...(trust === 'untrusted' ? { warning: UNTRUSTED_NOTE } : {}) }, step } };
}

function stepOf(id: string, session: StoredSession, index: number): IndexedStep {
  const step = session.steps[index];
  if (step === undefined) throw new NotFoundError(`session '${id}' has no step ${index}`, { hint: `its steps are numbered 0 to ${session.steps.length - 1}` });
  return step;
}

/** One field of a step (`tool.output`, `patches.0.diff`), from `offset`, as a page of text. */
export function fieldOf(step: unknown, field: string): string {
  let value: unknown = step;
  for (const part of field.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (isRecord(value)) value = value[part];
    else value = undefined;
  }
  if (value === undefined) throw new NotFoundError(`the step has no field '${field}'`, { hint: "fields: text, tool.input, tool.output, patches.N.diff" });
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export async function contextAnswer(repo: TraceRepo, idOrPrefix: string, index: number): Promise<Json> {
  const { id, session, trust } = await readSession(repo, idOrPrefix);
  stepOf(id, session, index);
  const ctx = contextAt(session.steps, await repo.sessions.readContext(id, session.tip), index);
  return {
    version: 1,
    session: { id, trust, ...(trust === 'untrusted' ? { warning: UNTRUSTED_NOTE } : {}) },
    step: ctx.step,
    items: ctx.items,
    windowStart: ctx.windowStart,
    window: ctx.window.map(stepLine),
    filesRead: ctx.filesRead,
    next: `show_step {session: '${id}', step: N} for a window step in full`,
  };
}

export interface BlameQuery {
  readonly file: string;
  readonly rev?: string;
  readonly from?: number;
  readonly to?: number;
  readonly warn: (message: string) => void;
}

export async function blameAnswer(repo: TraceRepo, q: BlameQuery): Promise<Json> {
  if (q.to !== undefined && q.from !== undefined && q.to < q.from) throw new UsageError(`the range ends (${q.to}) before it starts (${q.from})`);
  const range = q.from === undefined && q.to === undefined ? undefined : { from: q.from ?? 1, ...(q.to === undefined ? {} : { to: q.to }) };
  const result = await blameFile(repo, q.file, { ...(q.rev === undefined ? {} : { rev: q.rev }), ...(range === undefined ? {} : { range }), ...(repo.git.repo.workTree === null ? {} : { cwd: repo.git.repo.workTree }), warn: q.warn });
  const { trust, note } = await trustOf(repo, result.lines.flatMap((l) => (l.session !== null ? [l.session] : l.origin !== null ? [l.origin.session] : [])));
  const lines = result.lines.map(({ claims, ...l }) => {
    const named = l.session ?? l.origin?.session ?? null;
    return { ...l, claims: claims.length, ...(named === null ? {} : { trust: trust.get(named) ?? null }) };
  });
  const agentLines = lines.filter((l) => l.session !== null).length;
  const editedLines = lines.filter((l) => l.origin !== null).length;
  return {
    version: 1,
    path: result.path,
    rev: result.rev,
    commit: result.commit,
    summary: `${agentLines} of ${lines.length} lines from agent sessions${editedLines === 0 ? '' : `, ${editedLines} edited by people since`}`,
    lines,
    ...note,
    next: 'show_step {session, step} for the step that wrote a line; track {session} for whether its work survived',
  };
}

export async function trackAnswer(repo: TraceRepo, idOrPrefix: string, at: string | undefined): Promise<Json> {
  const id = await resolveSessionId(repo, idOrPrefix);
  requireReadable((await repo.catalog()).db, id);
  const result = await trackSession(repo, id, at === undefined ? {} : { at });
  const { trust, note } = await trustOf(repo, [result.session.id]);
  return { ...result, session: { ...result.session, trust: trust.get(result.session.id) ?? null }, ...note, next: 'show_step {session, step} for the step that made a patch' };
}

export interface PrQuery {
  readonly range?: string;
  readonly base?: string;
  readonly redaction: RedactionConfig;
  readonly scrubber: Scrubber;
  readonly warn: (message: string) => void;
}

export async function blamePrAnswer(repo: TraceRepo, q: PrQuery): Promise<Json> {
  const report = await blamePr(repo, { ...(q.range === undefined ? {} : { range: q.range }), ...(q.base === undefined ? {} : { base: q.base }), warn: q.warn });
  // The agent asking is on this machine: prompts whole, still redacted and scrubbed.
  const shared = prForEgress(report, { prompts: 'full', redaction: q.redaction, scrubber: q.scrubber });
  const { trust, note } = await trustOf(repo, shared.sessions.map((s) => s.id));
  return {
    ...shared,
    sessions: shared.sessions.map((s) => ({ ...s, trust: trust.get(s.id) ?? null })),
    ...note,
    next: 'show_session {session} or show_step {session, step} for a session of the range; blame {file} for one file',
  };
}

/** The packet `git trace resume ID@N` prints: to continue a session's work from a step. */
export async function resumeAnswer(repo: TraceRepo, idOrPrefix: string, index: number | undefined): Promise<Json> {
  const id = await resolveSessionId(repo, idOrPrefix);
  requireReadable((await repo.catalog()).db, id);
  const { stored, startState } = await loadSession(repo, id);
  const step = index ?? stored.steps.length - 1;
  stepOf(id, stored, Math.max(step, 0));
  const packet = buildResumePacket(stored, step, { startState, survival: await survivalAfter(repo, id, step) });
  const trust = (await trustStates(repo, [id])).get(id) ?? null;
  return { version: 1, session: { id, trust, ...(trust === 'untrusted' ? { warning: UNTRUSTED_NOTE } : {}) }, packet, next: `show_step {session: '${id}', step: N} for a step the packet names` };
}
