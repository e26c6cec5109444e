// The hook's hot path: one event in, at most a snapshot and a spool line out. No crypto, no
// SQLite, no transcript parsing, no diff here (flush does those, in the background): the agent
// waits for this on every tool call. A constant number of git processes per event: session
// start 3 (rev-parse, add, write-tree), before and after a tool 2 (or none, when the watcher
// saw nothing change); none around a tool that only reads, and one file instead of the whole
// tree around a file-editing tool.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs } from '../clock.js';
import { runGit } from '../../refs/git.js';
import { childProcess } from '../../refs/lazy-builtins.js';
import type { GitRepo } from '../../refs/repo.js';
import { factsOf } from '../agents/facts.js';
import { isRecord, tryParseJson } from '../model/json.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';
import { isReadOnly, type HookEvent } from './payload.js';
import { pendingName, sessionPaths, type SessionPaths } from './paths.js';
import { snapshotWorkTree, type Snapshot } from './snapshot.js';
import { appendSpool, redactRecord } from './spool.js';
import { changesSince, readMark, writeMark, type ScanPlan } from './watch.js';
import { DEFAULT_REDACTION, type RedactionConfig } from '../crypto/redact.js';
import { readRedactionConfig } from '../repo-config.js';
import { markFlushWanted } from './pending.js';
import { withLock } from './lock.js';

/** What flush needs to know about a live session, written by the first hook that sees it. */
export interface CaptureInfo {
  readonly agent: HookEvent['agent'];
  readonly sessionId: string;
  readonly cwd: string;
  readonly transcriptPath?: string;
  readonly started: boolean;
}

export interface HookOptions {
  /** Start the background flush at stop and session end (off in tests that flush themselves). */
  readonly backgroundFlush: boolean;
  /** Ask the repository's watcher what changed, starting it with this idle time; null: always walk. */
  readonly watchIdleMs?: number | null;
  /** Handled in the watcher's own process (hook-server.ts): its journal is read without a cookie. */
  readonly inWatcher?: boolean;
}

/** How a snapshot found what changed: the watcher's journal, a walk of the tree, or the tool's own file. */
export type Scan = 'watcher' | 'walk' | 'file';

type Taken = Snapshot & { readonly scan: Scan };

/**
 * Milliseconds spent in each phase of this process's event (watcher, snapshot), logged
 * beside the total in hook-times.log: what a slow hook is made of.
 */
export const hookPhases: Record<string, number> = {};

async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = nowMs();
  try {
    return await work();
  } finally {
    hookPhases[phase] = Math.round((hookPhases[phase] ?? 0) + nowMs() - start);
  }
}

/** Handle one event for the repository found at the event's cwd (found once, by the caller). */
export async function handleHookEvent(repo: GitRepo, event: HookEvent, options: HookOptions): Promise<void> {
  if (repo.workTree === null) return;
  const paths = sessionPaths(repo, event.sessionId);
  mkdirSync(paths.pending, { recursive: true, mode: PRIVATE_DIR_MODE });
  const info = updateInfo(paths, event);
  // Read while the snapshot is taken; a config git cannot read still redacts, by the defaults.
  const redaction = event.kind === 'prompt' || event.kind === 'post-tool' ? readRedactionConfig(repo).catch(() => DEFAULT_REDACTION) : Promise.resolve(DEFAULT_REDACTION);
  switch (event.kind) {
    case 'session-start':
      await ensureStarted(repo, paths, info, event, options);
      return;
    case 'prompt':
      await ensureStarted(repo, paths, info, event, options);
      if (event.prompt !== undefined) appendSpool(paths.spool, redactRecord({ t: 'prompt', ts: event.timestamp, text: event.prompt }, await redaction));
      return;
    case 'pre-tool': {
      const started = await ensureStarted(repo, paths, info, event, options);
      if (isReadOnly(event)) return;
      // A file-editing tool can change only its file: looking at that file now (and again after
      // the call) is enough; everything else is left for the next full walk, which absorbs it
      // before any other call, so it is never taken for this call's change.
      const snapshot = started ?? (await snap(repo, paths, options, editedFile(repo, event)));
      writeFileSync(join(paths.pending, pendingName(callKey(event))), `${snapshot.tree} ${snapshot.scan}`, { mode: PRIVATE_FILE_MODE });
      return;
    }
    case 'post-tool':
      await recordToolCall(repo, paths, info, event, { redaction, options });
      return;
    case 'stop':
    case 'session-end':
      appendSpool(paths.spool, { t: 'stop', ts: event.timestamp, end: event.kind === 'session-end' });
      // A reader from now on must see this session: it waits for (or does) the flush.
      markFlushWanted(paths.dir, statSync(paths.spool).size);
      if (options.backgroundFlush) startBackgroundFlush(repo, event.sessionId);
      return;
    case 'other':
      return;
  }
}

/** The repository-relative file a file-editing tool changed, when its payload says so. */
function editedFile(repo: GitRepo, event: HookEvent): string | undefined {
  const facts = factsOf(event.agent);
  if (event.toolName === undefined || !facts.fileTools.includes(event.toolName) || repo.workTree === null) return undefined;
  const input = event.toolInput;
  const named = isRecord(input) ? facts.fileInputFields.map((key) => input[key]).find((value) => value !== undefined) : undefined;
  if (typeof named !== 'string' || named === '') return undefined;
  const rel = relative(repo.workTree, isAbsolute(named) ? named : join(event.cwd, named));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

/** Gemini sends no call id: its tool calls run one at a time, so the tool name pairs them. */
function callKey(event: HookEvent): string {
  return event.callId ?? `tool:${event.toolName ?? ''}`;
}

async function recordToolCall(
  repo: GitRepo,
  paths: SessionPaths,
  info: CaptureInfo,
  event: HookEvent,
  { redaction, options }: { redaction: Promise<RedactionConfig>; options: HookOptions },
): Promise<void> {
  const started = await ensureStarted(repo, paths, info, event, options);
  if (isReadOnly(event)) {
    // The call is still worth a line (a session without a transcript shows it), not a snapshot.
    const tree = started?.tree ?? readText(join(paths.dir, 'last-tree')) ?? '';
    appendSpool(paths.spool, redactRecord({ t: 'tool', ts: event.timestamp, call: callKey(event), ...toolFields(event), before: tree, after: tree, patches: [] }, await redaction));
    return;
  }
  const pendingFile = join(paths.pending, pendingName(callKey(event)));
  const [pendingTree, scanBefore] = (readText(pendingFile) ?? '').split(' ');
  const before = pendingTree || readText(join(paths.dir, 'last-tree'));
  const after = started ?? (await snap(repo, paths, options, before === undefined ? undefined : editedFile(repo, event)));
  rmSync(pendingFile, { force: true });
  // The trees only: flush derives the patches from them (observed.ts), off the agent's wait.
  const record = {
    t: 'tool' as const,
    ts: event.timestamp,
    call: callKey(event),
    ...toolFields(event),
    before: before ?? after.tree,
    after: after.tree,
    ...(after.truncated === true ? { truncated: true } : {}),
    scan: { ...(isScan(scanBefore) ? { before: scanBefore } : {}), after: after.scan },
  };
  appendSpool(paths.spool, redactRecord(record, await redaction));
}

function toolFields(event: HookEvent): { name?: string; input?: unknown; output?: string; failed?: boolean } {
  return {
    ...(event.toolName === undefined ? {} : { name: event.toolName }),
    ...(event.toolInput === undefined ? {} : { input: event.toolInput }),
    ...(event.toolOutput === undefined ? {} : { output: event.toolOutput }),
    ...(event.failed === true ? { failed: true } : {}),
  };
}

/**
 * A snapshot of the work tree, looking at the tool's own file (`only`), or at what the watcher
 * saw change since this session's last snapshot, or, when the watcher cannot vouch for that,
 * at the whole tree. The watcher's mark moves only with a complete snapshot: after one cut
 * short, the next walks again.
 */
async function snap(repo: GitRepo, paths: SessionPaths, options: HookOptions, only?: string): Promise<Taken> {
  // One snapshot of a session at a time (parallel subagent calls): each starts from the tree
  // and the watcher mark the one before it left.
  return withLock(join(paths.dir, 'snapshot.lock'), SNAPSHOT_LOCK_MS, async () => {
    const last = readText(join(paths.dir, 'last-tree'));
    const base = { indexFile: paths.index, objectsDir: paths.objects, ...(last === undefined ? {} : { base: last }) };
    if (only !== undefined) return remember(paths, { ...(await timed('snapshot', () => snapshotWorkTree(repo, { ...base, only: [only] }))), scan: 'file' });
    const markFile = join(paths.dir, 'watch-mark');
    const idleMs = options.watchIdleMs ?? null;
    const plan: ScanPlan = idleMs === null ? { kind: 'walk', reason: 'watcher off' } : await timed('watcher', () => changesSince(repo, readMark(markFile), { idleMs, inWatcher: options.inWatcher === true }));
    // Nothing changed since the last snapshot: its tree stands, with no git to run.
    const unchanged = plan.kind === 'watcher' && plan.paths.length === 0 ? last : undefined;
    const snapshot: Snapshot = unchanged !== undefined ? { tree: unchanged } : await timed('snapshot', () => snapshotWorkTree(repo, plan.kind === 'watcher' ? { ...base, only: plan.paths } : base));
    // The mark after last-tree: a hook that reads this mark finds the tree that goes with it.
    const taken = remember(paths, { ...snapshot, scan: plan.kind });
    writeMark(markFile, snapshot.truncated === true ? null : (plan.mark ?? null));
    return taken;
  });
}

/** Longer than any snapshot's own time limit: a holder that died is taken over sooner. */
const SNAPSHOT_LOCK_MS = 10_000;

function remember(paths: SessionPaths, taken: Taken): Taken {
  writeFileSync(join(paths.dir, 'last-tree'), taken.tree, { mode: PRIVATE_FILE_MODE });
  return taken;
}

function isScan(value: string | undefined): value is Scan {
  return value === 'watcher' || value === 'walk' || value === 'file';
}

/**
 * The first event of a session records its base commit and starting working tree. Hooks
 * installed mid-session start here too, from whatever event comes first. Returns the snapshot
 * when it took one, so the caller need not take another.
 */
async function ensureStarted(repo: GitRepo, paths: SessionPaths, info: CaptureInfo, event: HookEvent, options: HookOptions): Promise<Taken | null> {
  if (info.started) return null;
  const head = await runGit(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1, 128] });
  const base = head.exitCode === 0 ? head.stdout.toString('utf8').trim() : null;
  const snapshot = await snap(repo, paths, options);
  appendSpool(paths.spool, { t: 'start', ts: event.timestamp, base, tree: snapshot.tree, ...(snapshot.truncated === true ? { truncated: true } : {}), scan: snapshot.scan });
  writeInfo(paths, { ...info, started: true });
  return snapshot;
}

function updateInfo(paths: SessionPaths, event: HookEvent): CaptureInfo {
  const current = readInfo(paths.info);
  if (current !== null && (event.transcriptPath === undefined || current.transcriptPath === event.transcriptPath)) return current;
  const info: CaptureInfo = {
    agent: event.agent,
    sessionId: event.sessionId,
    cwd: event.cwd,
    started: current?.started ?? false,
    ...((event.transcriptPath ?? current?.transcriptPath) === undefined ? {} : { transcriptPath: event.transcriptPath ?? current?.transcriptPath }),
  };
  writeInfo(paths, info);
  return info;
}

export function readInfo(path: string): CaptureInfo | null {
  const value = tryParseJson(readText(path) ?? '');
  if (!isRecord(value) || typeof value['sessionId'] !== 'string' || typeof value['agent'] !== 'string') return null;
  return value as unknown as CaptureInfo;
}

function writeInfo(paths: SessionPaths, info: CaptureInfo): void {
  const tmp = `${paths.info}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info), { mode: PRIVATE_FILE_MODE });
  // rename is atomic: a concurrent hook reads either the old or the new info, never half.
  renameSync(tmp, paths.info);
}

function readText(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Flush in a detached process, so the agent never waits for encryption and ref writes. */
function startBackgroundFlush(repo: GitRepo, sessionId: string): void {
  // Found when needed: making a file URL costs every hook event that never flushes.
  const cli = fileURLToPath(new URL('../../bin/git-trace.cjs', import.meta.url));
  const child = childProcess().spawn(process.execPath, [cli, 'flush', '--session', sessionId, '--quiet'], {
    cwd: repo.workTree ?? repo.gitDir,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, GIT_DIR: undefined, GIT_INDEX_FILE: undefined, GIT_WORK_TREE: undefined },
  });
  child.unref();
}
