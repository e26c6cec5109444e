// Flush: turn what the hooks spooled into stored steps. Read the new part of the spool, import
// the new part of the transcript, join the observed patches to the transcript's tool steps by
// call id (keeping the agent's reported patches beside them, flagged when they disagree), redact,
// append in one flush, then remember how far both were read. Runs in the background at stop and
// session end, and on demand (`git trace flush`); one flush per session at a time.

import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TranscriptFile } from '../agents/types.js';
import { addCounts, type RedactionConfig } from '../crypto/redact.js';
import { redactAppend } from '../import/redact-session.js';
import { parseFrom } from '../import/transcripts.js';
import { loadImportState, saveImportState } from '../import/state.js';
import { capToolCall } from '../model/output-cap.js';
import { addedLines } from '../model/patch.js';
import { isValidSessionId, type SessionInfo } from '../model/session.js';
import type { Patch, Step, ToolStep } from '../model/step.js';
import type { ContextRecord } from '../store/records.js';
import { isForgotten } from '../store/tombstone.js';
import type { TraceRepo } from '../trace-repo.js';
import { stateDir, type GitRepo } from '../../refs/repo.js';
import { mapLimit } from '../concurrency.js';
import { TraceError } from '../errors.js';
import { PRIVATE_DIR_MODE } from '../settings.js';
import { readInfo } from './hook.js';
import { withLock } from './lock.js';
import { diffTreePairs, diffTrees } from './observed.js';
import { snapshotObjects } from './snapshot.js';
import { captureRoot, removeCaptureDir, sessionPaths, setAsideRoot } from './paths.js';
import { readOffset, readSpool, writeOffset, type SpoolRecord } from './spool.js';

type SpooledTool = Extract<SpoolRecord, { t: 'tool' }>;
/** A spooled tool call with its observed patches (derived here when the hook left them out). */
type ToolRecord = SpooledTool & { readonly patches: readonly Patch[] };

export interface FlushOptions {
  /** Only this session; default every session with spooled events. */
  readonly sessionId?: string;
  readonly redaction: RedactionConfig;
  readonly warn: (message: string) => void;
  /** How long to wait for another flush of the same session. */
  readonly lockTimeoutMs?: number;
}

export interface SessionFlush {
  readonly sessionId: string;
  readonly added: number;
  readonly updated: number;
  /** Tool calls whose observed patches were stored. */
  readonly observed: number;
  readonly ended: boolean;
  /** The session was forgotten ('git trace forget'): its spool was dropped, nothing stored. */
  readonly forgotten?: true;
}

/** A session whose flush failed this time; its spool stays for the next flush. */
export interface FailedFlush {
  readonly sessionId: string;
  readonly message: string;
  readonly hint?: string;
}

/** The spool of a session whose id cannot be a ref name, moved out of the way (and kept). */
export interface SetAsideSpool {
  readonly sessionId: string;
  readonly path: string;
}

export interface FlushResult {
  readonly sessions: readonly SessionFlush[];
  readonly failed: readonly FailedFlush[];
  readonly setAside: readonly SetAsideSpool[];
}

/**
 * Flush every session with spooled events (or the one named). Each session on its own: one that
 * fails is returned in `failed` (the caller reports it), and the others are still stored.
 */
export async function flushCaptures(repo: TraceRepo, options: FlushOptions): Promise<FlushResult> {
  const root = captureRoot(repo.git.repo);
  const dirs = options.sessionId !== undefined ? [options.sessionId] : existsSync(root) ? readdirSync(root) : [];
  const sessions: SessionFlush[] = [];
  const failed: FailedFlush[] = [];
  const setAside: SetAsideSpool[] = [];
  for (const dir of dirs) {
    const info = readInfo(sessionPaths(repo.git.repo, dir).info);
    if (info === null) continue;
    const paths = sessionPaths(repo.git.repo, info.sessionId);
    try {
      // Hooks refuse such ids; an older git-trace spooled them, and no flush could ever store them.
      if (!isValidSessionId(info.sessionId)) {
        const path = setAsideCaptureDir(repo.git.repo, paths.dir);
        if (path === null) continue;
        options.warn(`set aside the spool of session '${info.sessionId}': its id cannot be a ref name (kept in '${path}')`);
        setAside.push({ sessionId: info.sessionId, path });
        continue;
      }
      const result = await withLock(paths.lock, options.lockTimeoutMs ?? 30_000, () => flushSession(repo, info.sessionId, options));
      if (result !== null) sessions.push(result);
    } catch (error) {
      // Another flush stored the session's end and removed its folder while we waited for the
      // lock inside it: nothing is left to do for that session.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(paths.dir)) continue;
      failed.push(failure(info.sessionId, error));
    }
  }
  return { sessions, failed, setAside };
}

function failure(sessionId: string, error: unknown): FailedFlush {
  if (error instanceof TraceError) return error.hint === undefined ? { sessionId, message: error.message } : { sessionId, message: error.message, hint: error.hint };
  // A system error (a file that cannot be read) is the session's; anything else is a bug.
  const known = error instanceof Error && (error as NodeJS.ErrnoException).code !== undefined;
  return { sessionId, message: known ? error.message : `unexpected: ${error instanceof Error ? error.message : String(error)}` };
}

/** Move a capture folder under the set-aside folder; its new path, or null when it is gone. */
function setAsideCaptureDir(repo: GitRepo, dir: string): string | null {
  const root = setAsideRoot(repo);
  mkdirSync(root, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = join(root, `${basename(dir)}-${Date.now()}`);
  try {
    renameSync(dir, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(dir)) return null;
    throw error;
  }
  return path;
}

async function flushSession(repo: TraceRepo, sessionId: string, options: FlushOptions): Promise<SessionFlush | null> {
  const gitRepo = repo.git.repo;
  const paths = sessionPaths(gitRepo, sessionId);
  const info = readInfo(paths.info);
  if (info === null) return null;
  if (await isForgotten(gitRepo, sessionId)) return dropForgotten(sessionId, paths.dir);
  const offset = readOffset(paths.flushed);
  const spool = readSpool(paths.spool, offset);
  const tools = await observedPatches(gitRepo, paths.objects, spool.records.filter((r): r is SpooledTool => r.t === 'tool'), (missing) =>
    options.warn(`session '${sessionId}': the snapshots of ${missing === 1 ? 'one tool call are' : `${missing} tool calls are`} gone from '${paths.objects}'; stored without what ${missing === 1 ? 'it' : 'they'} changed`),
  );
  const start = spool.records.find((r): r is Extract<SpoolRecord, { t: 'start' }> => r.t === 'start');
  const ended = spool.records.some((r) => r.t === 'stop' && r.end);

  const dir = stateDir(gitRepo);
  const importState = await loadImportState(dir);
  const transcript: TranscriptFile | null = info.transcriptPath !== undefined && existsSync(info.transcriptPath) ? { agent: info.agent, path: info.transcriptPath } : null;
  const read = transcript === null ? null : await parseFrom(transcript, importState.files[transcript.path], { workTree: gitRepo.workTree, redaction: options.redaction, warn: options.warn });
  if (info.transcriptPath !== undefined && transcript === null) options.warn(`transcript '${info.transcriptPath}' of session '${sessionId}' is missing; storing what the hooks saw`);

  const parsedSteps = read?.parsed.steps ?? [];
  const joined = joinObserved(parsedSteps, tools);
  let steps = joined.steps;
  if (joined.leftover.length > 0) steps = [...steps, ...(await stepsForLeftovers(repo, sessionId, joined.leftover, transcript === null))];
  // Without a transcript the hooks' own records are the timeline: keep them in time order, so
  // "the prompt before this step" holds.
  if (transcript === null) steps = [...promptSteps(spool.records), ...steps].sort((a, b) => (a.timestamp ?? '').localeCompare(b.timestamp ?? ''));

  const context: ContextRecord[] = [...(read?.parsed.context ?? [])];
  if (start !== undefined && start.base !== null) {
    // Without its snapshot (the session's objects gone), the start state is not known: none.
    const startState = await diffTrees(gitRepo, start.base, start.tree, snapshotObjects(gitRepo, paths.objects)).catch(() => []);
    if (startState.length > 0) context.push({ kind: 'start-state', text: startState.map((p) => p.diff).join('') });
  }
  const sessionInfo: SessionInfo = {
    ...(read?.parsed.session ?? { id: sessionId, agent: info.agent, startedAt: null, endedAt: null }),
    id: sessionId,
    cwd: info.cwd,
    ...(start?.base === null || start === undefined ? {} : { baseCommit: start.base }),
  };
  let result: { added: number; updated: number; forgotten?: true } = { added: 0, updated: 0 };
  if (steps.length > 0 || context.length > 0 || start !== undefined) {
    const { append } = redactAppend({ info: sessionInfo, steps, context }, options.redaction);
    result = await repo.sessions.append(append.info, append.steps, context);
  }
  // Forgotten while this flush read it: the store refused it, so nothing of it is kept here.
  if (result.forgotten === true) return dropForgotten(sessionId, paths.dir);
  if (read !== null && transcript !== null) {
    importState.files[transcript.path] = read.state;
    await saveImportState(dir, importState);
  }
  writeOffset(paths.flushed, spool.end);
  if (ended) removeCaptureDir(paths.dir);
  return { sessionId, added: result.added, updated: result.updated, observed: tools.length, ended };
}

/**
 * Each tool call's patches: as spooled (older hooks diffed themselves), or from its trees before
 * and after, all in one diff. Trees this session's objects no longer hold (its folder tampered
 * with) give none, said once.
 */
async function observedPatches(repo: GitRepo, objectsDir: string, spooled: readonly SpooledTool[], lost: (missing: number) => void): Promise<ToolRecord[]> {
  const pending = spooled.filter((r) => r.patches === undefined);
  if (pending.length === 0) return spooled as ToolRecord[];
  const objects = snapshotObjects(repo, objectsDir);
  const pairs = pending.map((r) => [r.before, r.after] as const);
  // A blob git cannot read stops the whole batch (a tree it cannot read is skipped, null): then
  // one call at a time, so that only the calls whose snapshots are gone lose their changes.
  const derived = await diffTreePairs(repo, pairs, objects).catch(() => mapLimit(pairs, 4, ([before, after]) => diffTrees(repo, before, after, objects).catch((): null => null)));
  const missing = derived.filter((d) => d === null).length;
  if (missing > 0) lost(missing);
  const byRecord = new Map(pending.map((r, i) => [r, derived[i] ?? []]));
  return spooled.map((r) => (r.patches !== undefined ? (r as ToolRecord) : { ...r, patches: byRecord.get(r) ?? [] }));
}

/** A forgotten session's spool is plaintext of what was taken back: drop it, never store it. */
function dropForgotten(sessionId: string, dir: string): SessionFlush {
  removeCaptureDir(dir);
  return { sessionId, added: 0, updated: 0, observed: 0, ended: true, forgotten: true };
}

/** Attach each spooled tool call's observed patches to the transcript's step for that call. */
export function joinObserved(steps: readonly Step[], tools: readonly ToolRecord[]): { steps: Step[]; leftover: ToolRecord[] } {
  const byCall = new Map(tools.map((t) => [t.call, t]));
  // Gemini sends no call ids: its records are keyed 'tool:<name>' and pair in order with the
  // transcript's calls of that name.
  const byName = new Map<string, ToolRecord[]>();
  for (const t of tools) if (t.call.startsWith('tool:')) byName.set(t.call, [...(byName.get(t.call) ?? []), t]);
  const used = new Set<ToolRecord>();
  const out = steps.map((step) => {
    if (step.kind !== 'tool') return step;
    const record = (step.tool.callId === undefined ? undefined : byCall.get(step.tool.callId)) ?? byName.get(`tool:${step.tool.name}`)?.find((r) => !used.has(r));
    if (record === undefined || used.has(record)) return step;
    used.add(record);
    return withObserved(step, record);
  });
  const leftover = tools.filter((t) => !used.has(t));
  return { steps: out, leftover };
}

/** The step with the observed patches added; reported and observed disagreeing are flagged. */
export function withObserved(step: ToolStep, record: ToolRecord): ToolStep {
  const reported = (step.patches ?? []).filter((p) => p.origin === 'reported');
  const observed = record.patches.map((p): Patch => {
    const twin = reported.find((r) => r.path === p.path);
    return twin !== undefined && !sameAdded(twin, p) ? { ...p, mismatch: true } : p;
  });
  const complete = record.truncated !== true;
  const flaggedReported = reported.map((r): Patch => (complete && !observed.some((o) => o.path === r.path) ? { ...r, mismatch: true } : r));
  const patches = [...flaggedReported, ...observed];
  const tool = { ...step.tool, snapshot: complete ? ('complete' as const) : ('cut-short' as const) };
  const redacted = record.patchesRedacted === undefined ? step.redacted : addCounts(step.redacted ?? {}, record.patchesRedacted);
  const next: ToolStep = { ...step, tool, ...(redacted === undefined ? {} : { redacted }) };
  return patches.length > 0 ? { ...next, patches } : next;
}

function sameAdded(a: Patch, b: Patch): boolean {
  const norm = (p: Patch): string => addedLines(p.diff).map((l) => l.trimEnd()).join('\n');
  return norm(a) === norm(b);
}

/**
 * Observed calls with no step in this read of the transcript: their step was stored by an
 * earlier import (re-emit it with the patches), or there is no transcript at all (build the step
 * from what the hook saw).
 */
async function stepsForLeftovers(repo: TraceRepo, sessionId: string, leftover: readonly ToolRecord[], noTranscript: boolean): Promise<Step[]> {
  const stored = noTranscript ? [] : await storedTools(repo, sessionId);
  return leftover
    .map((record): Step | null => {
      const step = stored.find((s) => s.tool.callId === record.call);
      if (step !== undefined) return withObserved(step, record);
      if (!noTranscript && record.patches.length === 0) return null;
      return withObserved(hookToolStep(record), record);
    })
    .filter((s): s is Step => s !== null);
}

async function storedTools(repo: TraceRepo, sessionId: string): Promise<ToolStep[]> {
  try {
    const session = await repo.sessions.read(sessionId);
    return session.steps.filter((s): s is typeof s & ToolStep => s.kind === 'tool');
  } catch {
    return [];
  }
}

function hookToolStep(record: ToolRecord): ToolStep {
  return {
    v: 1,
    id: `hook:${record.call}`,
    kind: 'tool',
    timestamp: record.ts,
    // The hook capped the output already; this records the cut its marker tells of.
    tool: capToolCall({
      name: record.name ?? 'tool',
      ...(record.call.startsWith('tool:') ? {} : { callId: record.call }),
      input: record.input ?? null,
      ...(record.output === undefined ? {} : { output: record.output }),
      status: record.failed === true ? 'error' : 'ok',
    }),
    ...(record.redacted === undefined ? {} : { redacted: record.redacted }),
  };
}

function promptSteps(records: readonly SpoolRecord[]): Step[] {
  return records
    .filter((r): r is Extract<SpoolRecord, { t: 'prompt' }> => r.t === 'prompt')
    .map((r) => ({ v: 1, id: `hook:prompt:${r.ts}`, kind: 'prompt', timestamp: r.ts, text: r.text, ...(r.redacted === undefined ? {} : { redacted: r.redacted }) }));
}
