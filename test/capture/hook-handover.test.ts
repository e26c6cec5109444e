// Hook events handed to the repository's watcher (lib/capture/hook-client.ts, hook-server.ts):
// once the watcher says it serves hooks, an event that snapshots is handled there, warm, and
// captures exactly what the hook's own process would; anything else stays with the hook (an
// event that only reads, another environment), and a watcher that does not take an event in
// time leaves it to the hook, which handles it once, never twice.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { isWatcher } from '../../lib/capture/watch-journal.js';
import { LiveSession } from '../helpers/live-session.js';
import type { TempRepo } from '../helpers/repo.js';
import { watchedRepo, type WatchedRepo } from '../helpers/watched-repo.js';

// Long enough to outlast the test that stops the watcher for seconds (its idle timer runs on meanwhile).
const IDLE_MS = 60_000;
const SESSION = 'handover-session';
let watched: WatchedRepo;
let r: TempRepo;

before(() => {
  watched = watchedRepo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 1;\n', 'notes.md': 'notes\n' }, IDLE_MS);
  r = watched.repo;
});
after(() => watched.cleanup());

const watchDir = (): string => join(r.dir, '.git', 'opentraces', 'watch');
const readDaemon = (): { pid: number; serves?: unknown } | null => watched.daemon();

/** The watcher, once it says it serves hooks. */
async function serving(): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const daemon = readDaemon();
    if (daemon?.serves !== undefined && isWatcher(daemon.pid)) return daemon.pid;
    await sleep(25);
  }
  assert.fail('the watcher did not come to serve hooks');
}

/** Event name and who handled it, for each hook-times.log line from `from` on. */
function handled(from: number): { event: string; byWatcher: boolean }[] {
  const lines = readFileSync(join(r.dir, '.git', 'opentraces', 'logs', 'hook-times.log'), 'utf8').trim().split('\n').slice(from);
  return lines.map((line) => {
    const fields = line.split('\t');
    return { event: fields[2] ?? '', byWatcher: (fields[4] ?? '').includes('by=watcher') };
  });
}

function loggedEvents(): number {
  const file = join(r.dir, '.git', 'opentraces', 'logs', 'hook-times.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0;
}

function toolRecords(): { call?: string; before?: string; after?: string }[] {
  return readFileSync(join(r.dir, '.git', 'opentraces', 'capture', SESSION, 'spool.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { t: string; call?: string; before?: string; after?: string })
    .filter((rec) => rec.t === 'tool');
}

/** The paths a spooled call changed: its trees before and after, diffed as flush will. */
function changedPaths(call: string): string[] {
  const rec = toolRecords().find((t) => t.call === call);
  assert.ok(rec?.before !== undefined && rec.after !== undefined, `call ${call} spooled`);
  const objects = join(r.dir, '.git', 'opentraces', 'capture', SESSION, 'objects');
  const env = { ...process.env, GIT_OBJECT_DIRECTORY: objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(r.dir, '.git', 'objects') };
  return execFileSync('git', ['diff-tree', '-r', '--name-only', rec.before, rec.after], { cwd: r.dir, env, encoding: 'utf8' })
    .split('\n')
    .filter((p) => p !== '')
    .sort();
}

function shellCall(live: LiveSession, id: string, change: () => void): void {
  const input = { command: 'make edits', description: 'edit' };
  live.hook('PreToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id });
  change();
  live.hook('PostToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id, tool_response: { stdout: '', stderr: '', interrupted: false } });
}

/** Nothing of a hand-over stays on disk: the payloads are unredacted. */
function assertNothingLeft(): void {
  const left = [...readdirSync(join(watchDir(), 'cookies')), ...readdirSync(join(watchDir(), 'answers'))];
  assert.deepEqual(left, []);
}

test('events that snapshot are handled by the watcher, and capture what the hook would: a change made in between is in neither call', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  live.hook('SessionStart', { source: 'startup' });
  await serving();
  const from = loggedEvents();
  shellCall(live, 'call-1', () => r.write({ 'src/a.ts': 'export const a = 2;\n' }));
  r.write({ 'notes.md': 'a person wrote this meanwhile\n' });
  shellCall(live, 'call-2', () => r.write({ 'src/b.ts': 'export const b = 2;\n' }));
  live.hook('PreToolUse', { tool_name: 'Edit', tool_input: { file_path: join(r.dir, 'src/a.ts'), old_string: '2', new_string: '3' }, tool_use_id: 'edit-1' });
  r.write({ 'src/a.ts': 'export const a = 3;\n' });
  live.hook('PostToolUse', { tool_name: 'Edit', tool_input: { file_path: join(r.dir, 'src/a.ts'), old_string: '2', new_string: '3' }, tool_use_id: 'edit-1', tool_response: { filePath: join(r.dir, 'src/a.ts') } });

  assert.deepEqual(changedPaths('call-1'), ['src/a.ts']);
  assert.deepEqual(changedPaths('call-2'), ['src/b.ts']);
  assert.deepEqual(changedPaths('edit-1'), ['src/a.ts']);
  const events = handled(from);
  assert.equal(events.length, 6);
  assert.ok(
    events.every((e) => e.byWatcher),
    JSON.stringify(events),
  );
  assertNothingLeft();
  assert.equal(existsSync(join(r.dir, '.git', 'opentraces', 'logs', 'hook.log')), false, 'no error logged');
});

test('an event that only reads, a prompt, or a hook in another environment is handled by the hook itself', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  await serving();
  const from = loggedEvents();
  live.hook('UserPromptSubmit', { prompt: 'read a file' });
  live.hook('PreToolUse', { tool_name: 'Read', tool_input: { file_path: join(r.dir, 'notes.md') }, tool_use_id: 'read-1' });
  // Another environment: git and the settings would be read otherwise than the watcher reads them.
  const input = { command: 'make edits' };
  const other = (event: string, extra: Record<string, unknown>): void => {
    const payload = { session_id: SESSION, cwd: r.dir, hook_event_name: event, tool_name: 'Bash', tool_input: input, tool_use_id: 'call-other', ...extra };
    const result = r.trace(['hook', 'claude-code'], { input: JSON.stringify(payload), env: { GIT_TRACE_BACKGROUND_FLUSH: '0', GIT_TRACE_HANDOVER_TEST: 'another environment' } });
    assert.equal(result.status, 0, result.stderr);
  };
  other('PreToolUse', {});
  r.write({ 'src/b.ts': 'export const b = 3;\n' });
  other('PostToolUse', { tool_response: { stdout: '' } });
  assert.deepEqual(
    handled(from).map((e) => [e.event, e.byWatcher]),
    [
      ['UserPromptSubmit', false],
      ['PreToolUse', false],
      ['PreToolUse', false],
      ['PostToolUse', false],
    ],
  );
  assert.deepEqual(changedPaths('call-other'), ['src/b.ts']);
});

test('a watcher that does not take an event leaves it to the hook, which handles it once', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  const pid = await serving();
  const from = loggedEvents();
  process.kill(pid, 'SIGSTOP');
  try {
    shellCall(live, 'call-stopped', () => r.write({ 'src/a.ts': 'export const a = 4;\n' }));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  // Time for the watcher to see the withdrawn requests, and to have handled them had it taken them.
  await sleep(1500);
  assert.deepEqual(
    handled(from).map((e) => [e.event, e.byWatcher]),
    [
      ['PreToolUse', false],
      ['PostToolUse', false],
    ],
  );
  assert.equal(toolRecords().filter((t) => t.call === 'call-stopped').length, 1, 'spooled once');
  assert.deepEqual(changedPaths('call-stopped'), ['src/a.ts']);
  assertNothingLeft();
  // And the watcher serves the next events again.
  const next = loggedEvents();
  shellCall(live, 'call-after', () => r.write({ 'src/b.ts': 'export const b = 4;\n' }));
  assert.ok(handled(next).every((e) => e.byWatcher));
  assert.deepEqual(changedPaths('call-after'), ['src/b.ts']);
});

test('a folder replaced by a file does not stop the watcher, and what changed is still captured', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  const pid = await serving();
  shellCall(live, 'call-folder', () => r.write({ 'gone/x.ts': 'export const x = 1;\n' }));
  shellCall(live, 'call-file', () => {
    rmSync(join(r.dir, 'gone'), { recursive: true });
    writeFileSync(join(r.dir, 'gone'), 'a file now\n');
  });
  await sleep(200);
  assert.ok(isWatcher(pid), 'the watcher is still running');
  assert.deepEqual(changedPaths('call-file'), ['gone', 'gone/x.ts']);
});

test('a watcher of another build is asked to stop, and the hook handles the event', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  const pid = await serving();
  const file = join(watchDir(), 'daemon.json');
  const info = JSON.parse(readFileSync(file, 'utf8')) as { serves: { build: string } };
  writeFileSync(file, JSON.stringify({ ...info, serves: { ...info.serves, build: 'an older build' } }));
  const from = loggedEvents();
  shellCall(live, 'call-upgraded', () => r.write({ 'src/b.ts': 'export const b = 5;\n' }));
  // The first event is the hook's; the next may already find a watcher of this build started.
  assert.equal(handled(from)[0]?.byWatcher, false);
  assert.deepEqual(changedPaths('call-upgraded'), ['src/b.ts']);
  for (let i = 0; i < 200 && isWatcher(pid); i++) await sleep(25);
  assert.equal(isWatcher(pid), false, 'the old watcher stopped');
});

test('a request a stopped watcher left is declined by the next one, and its payload removed', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  const pid = await serving();
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 200 && isWatcher(pid); i++) await sleep(25);
  const cookies = join(watchDir(), 'cookies');
  writeFileSync(join(cookies, 'left-behind.hook'), `${JSON.stringify({ agent: 'claude-code', cwd: r.dir, started: 0 })}\n{"secret":"sk-left-behind"}`);
  // No watcher now: this call starts one, which finds the request.
  shellCall(live, 'call-restart', () => undefined);
  await serving();
  assert.equal(existsSync(join(cookies, 'left-behind.hook')), false);
  const answer = JSON.parse(readFileSync(join(watchDir(), 'answers', 'left-behind'), 'utf8')) as { ok: boolean };
  assert.equal(answer.ok, false);
  assert.deepEqual(
    readdirSync(cookies).filter((n) => n.startsWith('left-behind')),
    [],
  );
});

test('what a hook killed mid-request left is removed by the watcher while it serves', async () => {
  const live = new LiveSession(r, 'claude-code', SESSION, null);
  await serving();
  const left = join(watchDir(), 'cookies', 'killed-hook.hook.tmp');
  writeFileSync(left, `${JSON.stringify({ agent: 'claude-code', cwd: r.dir, started: 0 })}\n{"secret":"sk-killed"}`);
  const old = new Date(Date.now() - 60_000);
  utimesSync(left, old, old);
  // The watcher looks for leftovers at most every 5 s, when an event comes.
  await sleep(5200);
  shellCall(live, 'call-sweep', () => r.write({ 'notes.md': 'swept\n' }));
  assert.equal(existsSync(left), false);
  assert.deepEqual(changedPaths('call-sweep'), ['notes.md']);
});
