// R1: many live sessions hooked into one repository at once. Eight sessions drive
// PreToolUse/PostToolUse pairs through the real `git trace hook claude-code` processes, each
// appending to its own file between the two, while several `git trace flush` processes run
// periodically alongside, and `git trace import --format steps` processes add notes to the same
// sessions (so two writers race for one session's ref, which only its compare-and-swap and
// retry keep whole). At the end every tool call is stored, in its own session, with the patch
// it made, and every note too; git's fsck and `git trace verify` are clean; no hook logged an
// error.
//
// Default 8 sessions × 6 calls (about 120 hook processes: ~10 s on a quiet 2-core machine);
// GIT_TRACE_STRESS=full: 8 × 500.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatStepsFile } from '../../lib/import/steps-file.js';
import { openRepo, type TraceRepo } from '../../lib/trace-repo.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { sendHook, toolCall } from '../helpers/stress-hooks.js';
import { describeRun, repeatUntil, spawnCli, type CliResult } from '../helpers/stress-process.js';
import { randomFor, seedNote, stressSize } from '../helpers/stress-scale.js';
import { assertFsckClean, assertVerifyClean, flushedOffset, hookLog, isToolStep, spoolSize } from '../helpers/stress-store.js';

const SESSIONS = 8;
const CALLS = stressSize(6, 500);
const FLUSHERS = 3;
const IMPORTERS = 2;
const random = randomFor('concurrent-hooks');

let r: TempRepo;
let repo: TraceRepo;
let notesDir: string;

const sessionId = (n: number): string => `stress-${n}`;
const fileOf = (n: number): string => `work/session-${n}.txt`;
const lineOf = (n: number, call: number): string => `${sessionId(n)} call ${call}`;
const callId = (n: number, call: number): string => `toolu_${sessionId(n)}_${call}`;

before(async () => {
  const identityFile = testIdentityFile();
  const files: Record<string, string> = { 'README.md': 'stress\n' };
  for (let n = 0; n < SESSIONS; n++) files[fileOf(n)] = `${sessionId(n)} start\n`;
  r = tempRepo(files);
  assert.equal(r.trace(['init']).status, 0);
  repo = await openRepo(r.dir, { identityFile });
  notesDir = mkdtempSync(join(tmpdir(), 'git-trace-notes-'));
});
after(() => {
  repo.close();
  r.cleanup();
  rmSync(notesDir, { recursive: true, force: true });
});

const hook = (n: number, event: string, extra: Record<string, unknown> = {}): Promise<void> => sendHook(r, sessionId(n), event, extra);

/** One agent session: a prompt, then CALLS tool calls that each append one line to its file. */
async function driveSession(n: number): Promise<void> {
  await hook(n, 'SessionStart', { source: 'startup' });
  await hook(n, 'UserPromptSubmit', { prompt: `append ${CALLS} lines to ${fileOf(n)}` });
  for (let call = 0; call < CALLS; call++) {
    await toolCall(r, sessionId(n), callId(n, call), `echo '${lineOf(n, call)}' >> ${fileOf(n)}`, () => appendFileSync(join(r.dir, fileOf(n)), `${lineOf(n, call)}\n`));
  }
  await hook(n, 'Stop', { stop_hook_active: false });
}

/** A steps file adding one note (a message step) to every session; returns its step id. */
function notesFile(importer: number, round: number): { file: string; id: string } {
  const id = `note-${importer}-${round}`;
  const sessions = Array.from({ length: SESSIONS }, (_, n) => ({
    info: { id: sessionId(n), agent: 'claude-code' as const, startedAt: null, endedAt: null },
    steps: [{ v: 1 as const, id, kind: 'message' as const, timestamp: new Date(Date.UTC(2026, 10, 21, 10, importer, round)).toISOString(), text: `${id} for ${sessionId(n)}` }],
  }));
  const file = join(notesDir, `${id}.jsonl`);
  writeFileSync(file, formatStepsFile(sessions));
  return { file, id };
}

test(`${SESSIONS} sessions × ${CALLS} tool calls through real hooks, flushed and imported into concurrently: every call is stored in its own session with its patch`, async (t) => {
  t.diagnostic(`replay with ${seedNote()}`);
  const started = performance.now();
  let driving = true;
  const flushes = Array.from({ length: FLUSHERS }, () =>
    repeatUntil(
      () => !driving,
      () => random.int(0, 150),
      () => spawnCli(['flush', '--quiet'], { cwd: r.dir }),
    ),
  );
  const notes: string[] = [];
  const imports = Array.from({ length: IMPORTERS }, (_, importer) => {
    let round = 0;
    return repeatUntil(
      () => !driving,
      () => random.int(0, 300),
      async () => {
        const { file, id } = notesFile(importer, round++);
        notes.push(id);
        return spawnCli(['import', '--format', 'steps', file], { cwd: r.dir });
      },
    );
  });
  const drivers = await Promise.allSettled(Array.from({ length: SESSIONS }, (_, n) => driveSession(n)));
  driving = false;
  const periodic = (await Promise.all(flushes)).flat();
  const imported = (await Promise.all(imports)).flat();
  assert.deepEqual(imported.filter((i) => i.code !== 0).map(describeRun), [], 'every import exits 0');
  const failedDrivers = drivers.filter((d): d is PromiseRejectedResult => d.status === 'rejected').map((d) => String(d.reason));
  assert.deepEqual(failedDrivers, [], 'every hook exits 0 with nothing on stdout');

  // Half the sessions end, and one last flush stores what is left (removing the capture state
  // of the sessions that ended). Flushes racing over ending sessions: flush-race.test.ts.
  await Promise.all(Array.from({ length: SESSIONS }, (_, n) => (n % 2 === 0 ? hook(n, 'SessionEnd', { reason: 'exit' }) : Promise.resolve())));
  const last = await spawnCli(['flush', '--quiet'], { cwd: r.dir });
  const failedFlushes = [...periodic, last].filter((f: CliResult) => f.code !== 0).map(describeRun);
  assert.deepEqual(failedFlushes, [], 'every flush exits 0');
  t.diagnostic(`${SESSIONS * (CALLS * 2 + 3)} hook runs, ${periodic.length + 1} flushes and ${imported.length} imports in ${Math.round(performance.now() - started)} ms`);

  assert.equal(hookLog(r), '', 'no hook logged an error');
  t.diagnostic(`hook time inside the process (hook-times.log): ${hookTimes(r)}`);
  let foreign = 0;
  for (let n = 0; n < SESSIONS; n++) {
    const session = await repo.sessions.read(sessionId(n));
    const tools = session.steps.filter(isToolStep);
    assert.equal(session.steps.filter((s) => s.kind === 'prompt').length, 1, `${sessionId(n)}: its prompt`);
    assert.equal(tools.length, CALLS, `${sessionId(n)}: one step per tool call`);
    const ids = new Set(session.steps.map((s) => s.id));
    assert.deepEqual(notes.filter((id) => !ids.has(id)), [], `${sessionId(n)}: every imported note`);
    const missing: string[] = [];
    for (let call = 0; call < CALLS; call++) {
      const step = tools.find((s) => s.tool.callId === callId(n, call));
      const own = step?.patches?.find((p) => p.path === fileOf(n) && p.origin === 'observed');
      if (own === undefined || !own.diff.split('\n').includes(`+${lineOf(n, call)}`)) missing.push(`${callId(n, call)}: ${JSON.stringify(step?.patches ?? null)}`);
      // Edits made by other sessions during this call's window are in this work tree too, so
      // they show up here as well; that is what the work tree saw, and is counted, not failed.
      foreign += step?.patches?.filter((p) => p.path !== fileOf(n)).length ?? 0;
    }
    assert.deepEqual(missing, [], `${sessionId(n)}: every call's own patch`);
    // Each line was added by exactly one call of its session: no patch was attached twice.
    const added = tools.flatMap((s) => (s.patches ?? []).filter((p) => p.path === fileOf(n)).flatMap((p) => p.diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'))));
    assert.equal(added.length, CALLS, `${sessionId(n)}: ${added.length} added lines for ${CALLS} calls`);
  }
  t.diagnostic(`${foreign} patches of other sessions' files seen inside a call's window (shared work tree)`);

  for (let n = 0; n < SESSIONS; n++) {
    const dir = join(r.dir, '.git', 'opentraces', 'capture', sessionId(n));
    if (n % 2 === 0) assert.equal(existsSync(dir), false, `${sessionId(n)} ended: its capture state is removed`);
    else assert.equal(flushedOffset(r, sessionId(n)), spoolSize(r, sessionId(n)), `${sessionId(n)}: the whole spool is flushed`);
  }
  assertFsckClean(r.dir, { strict: true });
  assertVerifyClean(r);
});

/** p50, p95 and max of the hooks' own timings (ms), as they logged them. */
function hookTimes(repo: TempRepo): string {
  const path = join(repo.dir, '.git', 'opentraces', 'logs', 'hook-times.log');
  if (!existsSync(path)) return 'not logged';
  const ms = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => Number(line.split('\t')[3]))
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  const at = (q: number): number => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
  return `${ms.length} events, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${ms[ms.length - 1] ?? NaN} ms`;
}
