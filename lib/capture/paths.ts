// Where live capture keeps its per-session state, under the git common dir (shared by linked
// worktrees, private to the machine, never pushed):
//
//   <common>/opentraces/capture/<session>/index         the session's own temporary index
//   <common>/opentraces/capture/<session>/objects/      its snapshots' blobs and trees (the
//                                                       repository's objects as an alternate)
//   <common>/opentraces/capture/<session>/info.json     agent, transcript, base commit, start tree
//   <common>/opentraces/capture/<session>/spool.jsonl   one record per hook event
//   <common>/opentraces/capture/<session>/pending/<id>  the tree before a tool call in flight
//   <common>/opentraces/capture/<session>/flushed       how much of the spool is stored
//   <common>/opentraces/logs/hook.log                   what went wrong in hooks (they never fail)
//   <common>/opentraces/capture-set-aside/<dir>-<ms>    a session's folder that can never be stored

import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir, type GitRepo } from '../../refs/repo.js';
import { nodeCrypto } from '../../refs/lazy-builtins.js';

export function captureRoot(repo: GitRepo): string {
  return join(stateDir(repo), 'capture');
}

/** Session ids come from the agent: keep them to a safe file name. */
export function sessionDirName(sessionId: string): string {
  return /^[A-Za-z0-9._-]{1,100}$/.test(sessionId) && !sessionId.startsWith('.') ? sessionId : nodeCrypto().createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
}

export interface SessionPaths {
  readonly dir: string;
  readonly index: string;
  readonly objects: string;
  readonly info: string;
  readonly spool: string;
  readonly pending: string;
  readonly flushed: string;
  readonly lock: string;
}

export function sessionPaths(repo: GitRepo, sessionId: string): SessionPaths {
  const dir = join(captureRoot(repo), sessionDirName(sessionId));
  return {
    dir,
    index: join(dir, 'index'),
    objects: join(dir, 'objects'),
    info: join(dir, 'info.json'),
    spool: join(dir, 'spool.jsonl'),
    pending: join(dir, 'pending'),
    flushed: join(dir, 'flushed'),
    lock: join(dir, 'flush.lock'),
  };
}

/** Where flush moves the capture folder of a session it can never store (an id that is no ref name). */
export function setAsideRoot(repo: GitRepo): string {
  return join(stateDir(repo), 'capture-set-aside');
}

export function hookLogPath(repo: GitRepo): string {
  return join(stateDir(repo), 'logs', 'hook.log');
}

/** A call id as a file name: itself when it is a safe one (no hashing, so no crypto to load), else a hash. */
export function pendingName(key: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(key) ? `id-${key}` : nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/**
 * Remove a capture folder (a session that ended, or was forgotten). Renamed first (atomic), so a
 * flush waiting for its lock sees the folder gone rather than half-deleted, then removed.
 */
export function removeCaptureDir(dir: string): void {
  const gone = `${dirname(dir)}/.gone-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, gone);
  } catch {
    return;
  }
  rmSync(gone, { recursive: true, force: true });
}
