// The watcher's files, shared by the daemon that writes them and the hooks that read them:
//
//   <common>/opentraces/watch/daemon.lock          the running daemon's pid (one per repository)
//   <common>/opentraces/watch/daemon.json          its pid, generation and journal (DaemonInfo)
//   <common>/opentraces/watch/journal-<generation>  changed paths, NUL-terminated records
//   <common>/opentraces/watch/cookies/<name>        made by a hook, journaled when seen
//   <common>/opentraces/watch/cookies/<id>.hook     an event a hook hands over (hook-client.ts)
//   <common>/opentraces/watch/answers/<id>          the watcher's answer to it
//
// A record is one letter and its text: `p` a changed path (repository-relative, `/`-separated),
// `c` a cookie seen, `x` a reset (events may have been lost: whoever reads past it walks).

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord, tryParseJson } from '../model/json.js';

export const COOKIE_DIR = 'cookies';

export interface DaemonInfo {
  readonly pid: number;
  /** Changes with each daemon: a journal position means nothing to another generation. */
  readonly generation: string;
  readonly journal: string;
  readonly workTree: string;
  /** Set once it serves hooks their events (hook-server.ts). */
  readonly serves?: ServedHooks;
}

/** What a watcher that serves hooks says of itself in daemon.json: only such hooks are its. */
export interface ServedHooks {
  /** daemonBuild(): the code the watcher runs. */
  readonly build: string;
  /** hookEnvironment() (hook-client.ts) of the watcher. */
  readonly env: string;
}

/** The running watcher's daemon.json, or null when there is none (or it cannot be read). */
export function readDaemon(watchDir: string): DaemonInfo | null {
  let value: unknown;
  try {
    value = tryParseJson(readFileSync(daemonFile(watchDir), 'utf8'));
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value['pid'] !== 'number' || typeof value['generation'] !== 'string' || typeof value['journal'] !== 'string' || typeof value['workTree'] !== 'string') return null;
  const serves = value['serves'];
  const info = { pid: value['pid'], generation: value['generation'], journal: value['journal'], workTree: value['workTree'] };
  return isRecord(serves) && typeof serves['build'] === 'string' && typeof serves['env'] === 'string' ? { ...info, serves: { build: serves['build'], env: serves['env'] } } : info;
}

/** A name no other process makes at the same time: for cookies and hand-over requests. */
export function uniqueName(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export type JournalRecordKind = 'path' | 'cookie' | 'reset';

const LETTER: Readonly<Record<JournalRecordKind, string>> = { path: 'p', cookie: 'c', reset: 'x' };
const KIND: Readonly<Record<string, JournalRecordKind>> = { p: 'path', c: 'cookie', x: 'reset' };

export function journalRecord(kind: JournalRecordKind, text: string): string {
  return `${LETTER[kind]}${text}\0`;
}

/** The complete records in `bytes` (a trailing partial record is left for the next read); `consumed` in bytes. */
export function parseJournal(bytes: Buffer): { records: { kind: JournalRecordKind; text: string }[]; consumed: number } {
  const records: { kind: JournalRecordKind; text: string }[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0); end !== -1; end = bytes.indexOf(0, start)) {
    const kind = KIND[String.fromCharCode(bytes[start] ?? 0)];
    if (kind !== undefined) records.push({ kind, text: bytes.toString('utf8', start + 1, end) });
    start = end + 1;
  }
  return { records, consumed: start };
}

export function watchDirOf(stateDir: string): string {
  return join(stateDir, 'watch');
}

export function daemonFile(watchDir: string): string {
  return join(watchDir, 'daemon.json');
}

export function lockFile(watchDir: string): string {
  return join(watchDir, 'daemon.lock');
}

/**
 * Whether a watcher runs as this process. A daemon that died leaves its pid behind, which
 * another process may get: where /proc tells, the process must be running watch-daemon.
 */
export function isWatcher(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('watch-daemon');
  } catch {
    return true;
  }
}

/** The watcher's script: from lib/capture/ and from the hook bundle in lib/cli/ alike. */
export function daemonScript(): string {
  return fileURLToPath(new URL('../capture/watch-daemon.js', import.meta.url));
}

/**
 * Which build of the capture code: the package's version and the size and time of the
 * watcher's script and of the event handling it runs (hook-entry.js), so that an upgrade (npm
 * gives every file one fixed time) and a rebuild both count. A watcher started before either
 * serves no hook of the new code.
 */
export function daemonBuild(): string {
  const stamp = (file: string): string => {
    const stat = statSync(file, { throwIfNoEntry: false });
    return stat === undefined ? 'none' : `${stat.size}:${stat.mtimeMs}`;
  };
  let version = 'unknown';
  try {
    version = /"version"\s*:\s*"([^"]*)"/.exec(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))?.[1] ?? version;
  } catch {
    // a build without its package.json: the stamps still tell
  }
  return [version, stamp(daemonScript()), stamp(fileURLToPath(new URL('../capture/hook-entry.js', import.meta.url)))].join(' ');
}
