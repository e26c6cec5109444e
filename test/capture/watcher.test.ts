// The repository's file watcher (lib/capture/watch-daemon.ts): started by the first hook, shared
// by sessions, gone when idle; a snapshot adds only what it saw change, and says in the spool
// whether it used the watcher or walked the tree. Attribution stays exact with it: a change made
// between two tool calls is in neither call's patch.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { isWatcher } from '../../lib/capture/watch-journal.js';
import { LiveSession } from '../helpers/live-session.js';
import type { TempRepo } from '../helpers/repo.js';
import { watchedRepo, type WatchedRepo } from '../helpers/watched-repo.js';

// Long enough that a loaded machine's slow hooks do not let it lapse between two calls of one test.
const IDLE_MS = 6000;
let r: TempRepo;

interface ToolRecord {
  readonly t: string;
  readonly call?: string;
  readonly scan?: unknown;
  readonly before?: string;
  readonly after?: string;
  /** The session whose spool holds it (the test's own). */
  readonly session: string;
}

let watched: WatchedRepo;

before(() => {
  watched = watchedRepo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 1;\n', 'notes.md': 'notes\n' }, IDLE_MS);
  r = watched.repo;
});
after(() => watched.cleanup());

const watchDir = (): string => join(r.dir, '.git', 'opentraces', 'watch');

function readDaemon(): { pid: number; generation: string } | null {
  return watched.daemon();
}

async function daemonRunning(): Promise<{ pid: number; generation: string }> {
  for (let i = 0; i < 200; i++) {
    const daemon = readDaemon();
    if (daemon !== null && isWatcher(daemon.pid)) return daemon;
    await sleep(25);
  }
  assert.fail('the watcher did not start');
}

function toolRecords(session: string): ToolRecord[] {
  const spool = join(r.dir, '.git', 'opentraces', 'capture', session, 'spool.jsonl');
  return readFileSync(spool, 'utf8')
    .trim()
    .split('\n')
    .map((l) => ({ ...(JSON.parse(l) as Omit<ToolRecord, 'session'>), session }))
    .filter((rec) => rec.t === 'tool');
}

function shellCall(live: LiveSession, id: string, change: () => void): void {
  const input = { command: 'make edits', description: 'edit' };
  live.hook('PreToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id });
  change();
  live.hook('PostToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id, tool_response: { stdout: '', stderr: '', interrupted: false } });
}

/** The paths a spooled call changed: its trees before and after, diffed as flush will. */
function paths(rec: ToolRecord | undefined): string[] {
  if (rec?.before === undefined || rec.after === undefined) return [];
  const objects = join(r.dir, '.git', 'opentraces', 'capture', rec.session, 'objects');
  const env = { ...process.env, GIT_OBJECT_DIRECTORY: objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(r.dir, '.git', 'objects') };
  const out = execFileSync('git', ['diff-tree', '-r', '-M', '--name-only', rec.before, rec.after], { cwd: r.dir, env, encoding: 'utf8' });
  return out.split('\n').filter((p) => p !== '').sort();
}

test('the first hook starts the watcher; later snapshots use it, see a new file in a new folder, and say so', async () => {
  const live = new LiveSession(r, 'claude-code', 'watch-session-one', null);
  live.hook('SessionStart', { source: 'startup' });
  await daemonRunning();
  shellCall(live, 'call-1', () => r.write({ 'src/a.ts': 'export const a = 2;\n' }));
  shellCall(live, 'call-2', () => {
    mkdirSync(join(r.dir, 'src', 'deep', 'er'), { recursive: true });
    writeFileSync(join(r.dir, 'src', 'deep', 'er', 'new.ts'), 'export const n = 1;\n');
  });
  const [first, second] = toolRecords('watch-session-one');
  assert.deepEqual(paths(first), ['src/a.ts']);
  assert.deepEqual(first?.scan, { before: 'walk', after: 'watcher' }, 'the first snapshot with the watcher walks once');
  assert.deepEqual(paths(second), ['src/deep/er/new.ts']);
  assert.deepEqual(second?.scan, { before: 'watcher', after: 'watcher' });
});

test('a change made between two tool calls is in neither call\'s patch', async () => {
  const live = new LiveSession(r, 'claude-code', 'watch-session-one', null);
  shellCall(live, 'call-3', () => r.write({ 'src/b.ts': 'export const b = 2;\n' }));
  r.write({ 'notes.md': 'a human wrote this meanwhile\n' });
  shellCall(live, 'call-4', () => r.write({ 'src/a.ts': 'export const a = 3;\n' }));
  const records = toolRecords('watch-session-one');
  assert.deepEqual(paths(records.find((rec) => rec.call === 'call-3')), ['src/b.ts']);
  assert.deepEqual(paths(records.find((rec) => rec.call === 'call-4')), ['src/a.ts']);
  assert.deepEqual(records.find((rec) => rec.call === 'call-4')?.scan, { before: 'watcher', after: 'watcher' });
});

test('a call that changes nothing reuses the last tree, and the next change is still seen', () => {
  const live = new LiveSession(r, 'claude-code', 'watch-session-one', null);
  shellCall(live, 'idle-1', () => undefined);
  shellCall(live, 'idle-2', () => r.write({ 'notes.md': 'after an idle call\n' }));
  const records = toolRecords('watch-session-one') as (ToolRecord & { before?: string; after?: string })[];
  const idle = records.find((rec) => rec.call === 'idle-1');
  assert.deepEqual(paths(idle), []);
  assert.equal(idle?.before, idle?.after);
  assert.deepEqual(idle?.scan, { before: 'watcher', after: 'watcher' });
  assert.deepEqual(paths(records.find((rec) => rec.call === 'idle-2')), ['notes.md']);
});

test('a folder git ignores is not watched: its files are not journaled, and the snapshot stays the watcher\'s', async () => {
  const daemon = await daemonRunning();
  writeFileSync(join(r.dir, '.git', 'info', 'exclude'), 'build/\n');
  const live = new LiveSession(r, 'claude-code', 'watch-session-one', null);
  shellCall(live, 'ignored-1', () => {
    mkdirSync(join(r.dir, 'build', 'out'), { recursive: true });
    writeFileSync(join(r.dir, 'build', 'out', 'bundle.js'), 'ignored output\n');
    r.write({ 'src/b.ts': 'export const b = 20;\n' });
  });
  shellCall(live, 'ignored-2', () => {
    writeFileSync(join(r.dir, 'build', 'out', 'bundle.js'), 'ignored output, changed\n');
    writeFileSync(join(r.dir, 'build', 'more.js'), 'more\n');
  });
  const records = toolRecords('watch-session-one');
  assert.deepEqual(paths(records.find((rec) => rec.call === 'ignored-1')), ['src/b.ts']);
  const second = records.find((rec) => rec.call === 'ignored-2');
  assert.deepEqual(paths(second), []);
  assert.deepEqual(second?.scan, { before: 'watcher', after: 'watcher' });
  const journal = readFileSync((JSON.parse(readFileSync(join(watchDir(), 'daemon.json'), 'utf8')) as { journal: string }).journal, 'utf8');
  assert.doesNotMatch(journal, /bundle\.js|more\.js/, 'nothing inside the ignored folder was journaled');
  assert.equal(readDaemon()?.pid, daemon.pid);
});

test('two sessions in one repository share one watcher', async () => {
  const daemon = await daemonRunning();
  const other = new LiveSession(r, 'claude-code', 'watch-session-two', null);
  other.hook('SessionStart', { source: 'startup' });
  shellCall(other, 'other-1', () => r.write({ 'src/b.ts': 'export const b = 3;\n' }));
  shellCall(other, 'other-2', () => r.write({ 'src/b.ts': 'export const b = 4;\n' }));
  assert.equal(readDaemon()?.pid, daemon.pid, 'the same daemon');
  assert.deepEqual(toolRecords('watch-session-two').at(-1)?.scan, { before: 'watcher', after: 'watcher' });
});

test('a watcher that went away makes the next snapshot walk, and that is recorded', async () => {
  const daemon = await daemonRunning();
  process.kill(daemon.pid, 'SIGTERM');
  for (let i = 0; i < 100 && isWatcher(daemon.pid); i++) await sleep(20);
  const live = new LiveSession(r, 'claude-code', 'watch-session-one', null);
  shellCall(live, 'call-5', () => r.write({ 'src/a.ts': 'export const a = 5;\n' }));
  const record = toolRecords('watch-session-one').find((rec) => rec.call === 'call-5');
  assert.deepEqual(paths(record), ['src/a.ts'], 'the walk still captures the change');
  assert.deepEqual(record?.scan, { before: 'walk', after: 'walk' });
  const restarted = await daemonRunning();
  assert.notEqual(restarted.generation, daemon.generation);
});

test('with GIT_TRACE_WATCH=0 hooks walk and start no watcher', () => {
  const live = new LiveSession(r, 'claude-code', 'watch-session-off', null);
  const env = process.env['GIT_TRACE_WATCH'];
  process.env['GIT_TRACE_WATCH'] = '0';
  try {
    live.hook('SessionStart', { source: 'startup' });
    shellCall(live, 'off-1', () => r.write({ 'notes.md': 'off\n' }));
  } finally {
    if (env === undefined) delete process.env['GIT_TRACE_WATCH'];
    else process.env['GIT_TRACE_WATCH'] = env;
  }
  const [record] = toolRecords('watch-session-off');
  assert.deepEqual(paths(record), ['notes.md']);
  assert.deepEqual(record?.scan, { before: 'walk', after: 'walk' });
});

test('the watcher is gone after the idle time', async () => {
  const live = new LiveSession(r, 'claude-code', 'watch-session-one', null);
  shellCall(live, 'call-6', () => r.write({ 'src/a.ts': 'export const a = 6;\n' }));
  const daemon = await daemonRunning();
  // Polled, not slept: on a quiet machine it is gone about IDLE_MS after the call above.
  const since = Date.now();
  while (Date.now() - since < IDLE_MS + 15000 && (isWatcher(daemon.pid) || readDaemon() !== null)) await sleep(50);
  assert.equal(isWatcher(daemon.pid), false, 'the daemon exited');
  assert.equal(readDaemon(), null, 'and removed its files');
});
