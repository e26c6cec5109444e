// The per-repository watcher: a detached process, started by the first hook that finds none,
// shared by every session in the repository, gone after an idle time with no hook asking. It
// keeps one inotify watch per directory of the work tree (never inside `.git`) and appends each
// changed path to a journal, so a snapshot adds only those paths instead of walking the tree.
// Rules: the journal is only ever appended to; a hook trusts it up to a cookie it made itself
// (see watch.ts); whenever an event may have been lost (a burst the kernel queue may not have
// held, a watch that failed) the journal says so with a reset record and the hooks walk.
// It also handles the hooks' events for them, warm (hook-server.ts).
// Run as: node watch-daemon.js WATCH_DIR WORK_TREE IDLE_MS

import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync, writeSync, type FSWatcher, type Stats } from 'node:fs';
import { join } from 'node:path';
import { gitEnv } from '../../refs/git.js';
import { REQUEST_SUFFIX } from './hook-client.js';
import { serveHooks, type HookServer } from './hook-server.js';
import { COOKIE_DIR, daemonFile, isWatcher, journalRecord, lockFile, type DaemonInfo } from './watch-journal.js';

// More events than this within one second may have overflowed the kernel's queue, which
// libuv drops without a word: say so rather than trust the journal.
const BURST_WINDOW_MS = 1000;

function main(watchDir: string, workTree: string, idleMs: number): void {
  if (!takeLock(watchDir)) return;
  // A daemon that died left its journal: no session can use it any more.
  for (const name of readdirSync(watchDir)) if (name.startsWith('journal-')) rmSync(join(watchDir, name), { force: true });
  const generation = `${Date.now().toString(36)}-${process.pid}`;
  const journalPath = join(watchDir, `journal-${generation}`);
  const journal = openSync(journalPath, 'a', 0o600);
  const append = (record: string): void => {
    writeSync(journal, record);
  };
  const watchers = new Map<string, FSWatcher>();
  // Folders git ignores whole (node_modules, build output): never watched, so they cost no
  // inotify watches and no journal records; a snapshot would leave their files out anyway.
  const ignoredDirs = ignoredFolders(workTree);
  const burstLimit = Math.floor(kernelQueueLength() / 2);
  let burstStart = 0;
  let burstCount = 0;
  let idle: NodeJS.Timeout | undefined;

  let hooks: HookServer | null = null;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Hooks find no watcher from now on; the events being handled are answered before the end.
    rmSync(daemonFile(watchDir), { force: true });
    const served = hooks?.close() ?? Promise.resolve();
    void served.finally(() => {
      for (const w of watchers.values()) w.close();
      cookies.close();
      closeSync(journal);
      rmSync(journalPath, { force: true });
      rmSync(lockFile(watchDir), { force: true });
      process.exit(0);
    });
  };
  const keepAlive = (): void => {
    if (idle !== undefined) clearTimeout(idle);
    idle = setTimeout(stop, idleMs);
  };
  const lost = (): void => append(journalRecord('reset', ''));
  // A folder that could not be watched (out of inotify watches, say) stays unwatched: from
  // then on every answer carries a reset, so hooks walk rather than trust a partial journal.
  let incomplete = false;

  const changed = (dirRel: string, name: string | null): void => {
    const now = Date.now();
    if (now - burstStart > BURST_WINDOW_MS) {
      burstStart = now;
      burstCount = 0;
    }
    if (++burstCount === burstLimit) lost();
    if (name === null) {
      append(journalRecord('path', dirRel === '' ? '.' : dirRel));
      return;
    }
    if (name === '.git' || name.startsWith('.git/')) return;
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    // What is ignored and what is not may have changed: a new watcher starts from the new rules
    // (the hooks walk once, as after any restart).
    if (name === '.gitignore') {
      lost();
      stop();
    }
    if (ignoredDirs.has(rel)) return;
    let stat: Stats | undefined;
    try {
      stat = lstatSync(join(workTree, rel), { throwIfNoEntry: false });
    } catch {
      // Its folder is a file now (ENOTDIR), or unreadable: the path changed; what it is, a
      // walk will tell.
      lost();
      append(journalRecord('path', rel));
      return;
    }
    if (stat?.isDirectory() === true && !watchers.has(rel) && isIgnoredDir(workTree, rel)) {
      ignoredDirs.add(rel);
      return;
    }
    append(journalRecord('path', rel));
    if (stat?.isDirectory() === true && !watchers.has(rel)) watchTree(rel);
    if (stat !== undefined) return;
    unwatchTree(rel);
    if (!existsSync(workTree) || !existsSync(watchDir)) stop(); // the repository is gone
  };

  const watchDirectory = (rel: string): void => {
    try {
      const w = watch(join(workTree, rel), { persistent: true }, (_event, name) => changed(rel, name === null ? null : name.toString()));
      w.on('error', () => {
        // The directory went away (its parent's event unwatches it) or the watch broke: a
        // broken root means nothing more can be trusted.
        w.close();
        watchers.delete(rel);
        if (rel === '') {
          lost();
          stop();
        }
      });
      watchers.set(rel, w);
    } catch {
      // Out of inotify watches, or the directory is gone already: the journal cannot cover it.
      if (existsSync(join(workTree, rel))) incomplete = true;
    }
  };
  const watchTree = (rel: string): void => {
    if (ignoredDirs.has(rel)) return;
    watchDirectory(rel);
    let entries;
    try {
      entries = readdirSync(join(workTree, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name !== '.git') watchTree(rel === '' ? entry.name : `${rel}/${entry.name}`);
    }
  };
  const unwatchTree = (rel: string): void => {
    for (const [path, w] of watchers) {
      if (path === rel || path.startsWith(`${rel}/`)) {
        w.close();
        watchers.delete(path);
      }
    }
  };

  // Cookies are watched first: one seen means every event before it was handled already, as
  // all watches share one inotify queue.
  const cookies = watch(join(watchDir, COOKIE_DIR), { persistent: true }, (_event, name) => {
    if (!existsSync(workTree) || !existsSync(watchDir)) stop(); // the repository is gone
    if (name === null) return;
    // A hook's event handed over (hook-client.ts): seen after every change made before it, as a cookie is.
    if (hooks !== null && name.toString().endsWith(REQUEST_SUFFIX)) {
      hooks.seen(name.toString());
      return;
    }
    if (!existsSync(join(watchDir, COOKIE_DIR, name.toString()))) return;
    if (incomplete) lost();
    append(journalRecord('cookie', name.toString()));
    keepAlive();
  });
  watchTree('');
  const info: DaemonInfo = { pid: process.pid, generation, journal: journalPath, workTree };
  const publish = (published: DaemonInfo): void => {
    // Renamed into place: a hook (or a test) reading it meanwhile finds the old file or none, never half.
    const tmp = `${daemonFile(watchDir)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(published), { mode: 0o600 });
    renameSync(tmp, daemonFile(watchDir));
  };
  publish(info);
  keepAlive();
  process.on('SIGTERM', stop);
  // Hooks hand their events over once the watcher says it serves them (hook-client.ts); until
  // then, and where it cannot, they handle them themselves.
  void serveHooks({ watchDir, workTree, keepAlive })
    .then((server) => {
      if (stopping) return;
      hooks = server;
      publish({ ...info, serves: server.serves });
    })
    .catch(() => undefined);
}

/** One daemon per repository: the lock file holds its pid; a dead holder's lock is taken over. */
function takeLock(watchDir: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile(watchDir), 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(lockFile(watchDir), 'utf8').trim() || 0);
      } catch {
        continue;
      }
      if (holder > 0 && isWatcher(holder)) return false;
      rmSync(lockFile(watchDir), { force: true });
    }
  }
  return false;
}

/** The folders git ignores with everything in them, as `ls-files --directory` names them. */
function ignoredFolders(workTree: string): Set<string> {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: workTree, env: gitEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    return new Set(out.split('\0').filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));
  } catch {
    return new Set();
  }
}

/** A new folder git ignores (exit 0 of check-ignore): checked once, when it appears. */
function isIgnoredDir(workTree: string, rel: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--', `${rel}/`], { cwd: workTree, env: gitEnv(), stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function kernelQueueLength(): number {
  try {
    return Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8').trim()) || 16384;
  } catch {
    return 16384;
  }
}

const [watchDir, workTree, idle] = process.argv.slice(2);
if (watchDir !== undefined && workTree !== undefined) main(watchDir, workTree, Number(idle) || 600_000);
