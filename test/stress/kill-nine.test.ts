// R2: SIGKILL at random points. Real `git trace import --format steps` and `git trace flush`
// processes are killed after a random delay from a seeded generator: 0-300 ms, widened to the
// length of the last run that finished (node's start-up alone takes 150-300 ms on a loaded
// 2-core machine, so a fixed 300 ms window would mostly kill before any write); after every
// kill: no torn ref (`git trace verify` exits 0: every ref under refs/opentraces/ points at a
// commit whose chunks decrypt), `git fsck` reports nothing but dangling objects, and every step
// stored before the kill is still stored. At the end one uninterrupted run stores the rest.
//
// Default 10 imports + 10 flushes; GIT_TRACE_STRESS=full: 100 + 100.

import assert from 'node:assert/strict';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { formatStepsFile } from '../../lib/import/steps-file.js';
import type { Step } from '../../lib/model/step.js';
import { openRepo, type TraceRepo } from '../../lib/trace-repo.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { sendHook, toolCall } from '../helpers/stress-hooks.js';
import { describeRun, spawnCli, type CliResult } from '../helpers/stress-process.js';
import { randomFor, seedNote, stressSize, type Random } from '../helpers/stress-scale.js';
import { assertFsckClean, assertVerifyClean, isToolStep, leftoverTemporaries, lostSteps, storedStepIds } from '../helpers/stress-store.js';

const KILLS = stressSize(10, 100);
const MIN_WINDOW_MS = 300;

/** Kill delays span the whole run: [0, the duration of the last run that was not killed]. */
class KillWindow {
  private width = MIN_WINDOW_MS;
  constructor(private readonly random: Random) {}
  delay(): number {
    return this.random.int(0, this.width);
  }
  learn(run: CliResult): void {
    if (!run.killed) this.width = Math.max(MIN_WINDOW_MS, Math.round(run.ms));
  }
}

type Outcome = 'finished' | 'killed, nothing new stored' | 'killed, part stored' | 'killed, all stored';

/** How the run ended, from whether it was killed and how much of its work is stored. */
function outcomeOf(run: CliResult, stored: number, expected: number): Outcome {
  if (!run.killed) return 'finished';
  if (stored === 0) return 'killed, nothing new stored';
  return stored < expected ? 'killed, part stored' : 'killed, all stored';
}

function tally(t: TestContext, r: TempRepo, outcomes: readonly Outcome[]): void {
  const counts = new Map<Outcome, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  t.diagnostic([...counts].map(([o, n]) => `${n} ${o}`).join(', '));
  // Staged objects of killed processes stay behind (sealed bytes, never plaintext): counted, not failed.
  t.diagnostic(`${leftoverTemporaries(r).length} temporary object files left in .git/opentraces/tmp`);
}

/** After a kill: no torn ref, git is fine, and nothing stored before is gone. */
async function checkAfterKill(r: TempRepo, repo: TraceRepo, before: Map<string, Set<string>>, run: CliResult, round: number): Promise<Map<string, Set<string>>> {
  const context = `round ${round}: ${describeRun(run)}`;
  if (!run.killed) assert.equal(run.code, 0, context);
  assertVerifyClean(r, context);
  assertFsckClean(r.dir, { context });
  const now = await storedStepIds(repo);
  assert.deepEqual(lostSteps(before, now), [], `steps stored before the kill are gone (${context})`);
  return now;
}

function count(ids: ReadonlyMap<string, ReadonlySet<string>>): number {
  let n = 0;
  for (const set of ids.values()) n += set.size;
  return n;
}

function countNew(before: ReadonlyMap<string, ReadonlySet<string>>, after: ReadonlyMap<string, ReadonlySet<string>>): number {
  let n = 0;
  for (const [session, ids] of after) n += [...ids].filter((id) => before.get(session)?.has(id) !== true).length;
  return n;
}

describe('SIGKILL during imports', () => {
  const SESSIONS = 6;
  const STEPS_PER_ROUND = 4;
  const random = randomFor('kill-nine-import');
  let r: TempRepo;
  let repo: TraceRepo;
  before(async () => {
    const identityFile = testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    repo = await openRepo(r.dir, { identityFile });
  });
  after(() => {
    repo.close();
    r.cleanup();
    rmSync(stepsPath(), { force: true });
  });

  const stepsPath = (): string => join(r.dir, '..', `kill-import-${process.pid}.jsonl`);

  /** The steps file as of `round`: every session's steps from rounds 0..round (a re-import adds the new ones). */
  function stepsFile(round: number): string {
    const sessions = Array.from({ length: SESSIONS }, (_, s) => ({
      info: { id: `kill-import-${s}`, agent: 'codex' as const, startedAt: null, endedAt: null },
      steps: Array.from({ length: (round + 1) * STEPS_PER_ROUND }, (_, k) => importStep(s, Math.floor(k / STEPS_PER_ROUND), k % STEPS_PER_ROUND)),
    }));
    const file = stepsPath();
    writeFileSync(file, formatStepsFile(sessions));
    return file;
  }

  test(`${KILLS} imports killed at random points never tear a ref or lose a stored step, and the next import completes them`, async (t) => {
    t.diagnostic(`replay with ${seedNote()}`);
    const window = new KillWindow(random);
    const first = await spawnCli(['import', '--format', 'steps', stepsFile(0)], { cwd: r.dir });
    assert.equal(first.code, 0, describeRun(first));
    window.learn(first);
    let stored = await storedStepIds(repo);
    const outcomes: Outcome[] = [];
    for (let round = 1; round <= KILLS; round++) {
      const file = stepsFile(round);
      const run = await spawnCli(['import', '--format', 'steps', file], { cwd: r.dir, killAfterMs: window.delay() });
      window.learn(run);
      const now = await checkAfterKill(r, repo, stored, run, round);
      const inFile = SESSIONS * (round + 1) * STEPS_PER_ROUND;
      outcomes.push(outcomeOf(run, countNew(stored, now), inFile - count(stored)));
      if (!run.killed) assert.equal(count(now), inFile, `round ${round} finished: every step of the file is stored`);
      stored = now;
    }
    tally(t, r, outcomes);

    const last = await spawnCli(['import', '--format', 'steps', stepsFile(KILLS)], { cwd: r.dir });
    assert.equal(last.code, 0, describeRun(last));
    const all = await storedStepIds(repo);
    for (let s = 0; s < SESSIONS; s++) {
      const ids = all.get(`kill-import-${s}`);
      assert.equal(ids?.size, (KILLS + 1) * STEPS_PER_ROUND, `kill-import-${s}: every step of every round`);
    }
    assertVerifyClean(r);
    assertFsckClean(r.dir, { strict: true });
  });
});

/** A tool step with a patch and some output, so a flush writes real chunks. */
function importStep(session: number, round: number, k: number): Step {
  const id = `r${round}-k${k}`;
  const text = `session ${session} round ${round} step ${k} `.repeat(8);
  return {
    v: 1,
    id,
    kind: 'tool',
    timestamp: new Date(Date.UTC(2026, 10, 1, 0, round, k)).toISOString(),
    tool: { name: 'Bash', callId: id, input: { command: `make step-${k}` }, output: text, status: 'ok', exitCode: 0 },
    patches: [{ path: `src/s${session}.ts`, origin: 'reported', diff: `--- a/src/s${session}.ts\n+++ b/src/s${session}.ts\n@@ -1 +1 @@\n-old ${id}\n+new ${id}\n` }],
  };
}

describe('SIGKILL during flushes', () => {
  const SESSIONS = 2;
  const CALLS_PER_ROUND = 1;
  const random = randomFor('kill-nine-flush');
  let r: TempRepo;
  let repo: TraceRepo;
  before(async () => {
    const identityFile = testIdentityFile();
    r = tempRepo({ 'README.md': 'x\n', 'f0.txt': 'f0\n', 'f1.txt': 'f1\n' });
    assert.equal(r.trace(['init']).status, 0);
    repo = await openRepo(r.dir, { identityFile });
  });
  after(() => {
    repo.close();
    r.cleanup();
  });

  /** Spool CALLS_PER_ROUND tool calls in session `s`, each appending one line to its file. */
  async function spoolCalls(s: number, round: number): Promise<void> {
    for (let c = 0; c < CALLS_PER_ROUND; c++) {
      const call = `toolu_${s}_${round}_${c}`;
      await toolCall(r, `kill-flush-${s}`, call, `echo ${call} >> f${s}.txt`, () => appendFileSync(join(r.dir, `f${s}.txt`), `${call}\n`));
    }
  }

  test(`${KILLS} flushes killed at random points never tear a ref or lose a stored step, and the next flush completes them`, async (t) => {
    t.diagnostic(`replay with ${seedNote()}`);
    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => sendHook(r, `kill-flush-${s}`, 'SessionStart', { source: 'startup' })));
    const window = new KillWindow(random);
    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => spoolCalls(s, 0)));
    const first = await spawnCli(['flush', '--quiet'], { cwd: r.dir });
    assert.equal(first.code, 0, describeRun(first));
    window.learn(first);
    let stored = await storedStepIds(repo);
    const outcomes: Outcome[] = [];
    for (let round = 1; round <= KILLS; round++) {
      await Promise.all(Array.from({ length: SESSIONS }, (_, s) => spoolCalls(s, round)));
      const run = await spawnCli(['flush', '--quiet'], { cwd: r.dir, killAfterMs: window.delay() });
      window.learn(run);
      const now = await checkAfterKill(r, repo, stored, run, round);
      const spooled = SESSIONS * (round + 1) * CALLS_PER_ROUND;
      outcomes.push(outcomeOf(run, countNew(stored, now), spooled - count(stored)));
      if (!run.killed) assert.equal(count(now), spooled, `round ${round} finished: every spooled call is stored`);
      stored = now;
    }
    tally(t, r, outcomes);

    const last = await spawnCli(['flush'], { cwd: r.dir });
    assert.equal(last.code, 0, describeRun(last));
    for (let s = 0; s < SESSIONS; s++) {
      const tools = (await repo.sessions.read(`kill-flush-${s}`)).steps.filter(isToolStep);
      assert.equal(tools.length, (KILLS + 1) * CALLS_PER_ROUND, `kill-flush-${s}: one step per call`);
      const missing: string[] = [];
      for (let round = 0; round <= KILLS; round++) {
        for (let c = 0; c < CALLS_PER_ROUND; c++) {
          const call = `toolu_${s}_${round}_${c}`;
          const patch = tools.find((step) => step.tool.callId === call)?.patches?.find((p) => p.path === `f${s}.txt`);
          if (patch === undefined || !patch.diff.split('\n').includes(`+${call}`)) missing.push(call);
        }
      }
      assert.deepEqual(missing, [], `kill-flush-${s}: every call with its observed patch`);
    }
    assertVerifyClean(r);
    assertFsckClean(r.dir, { strict: true });
  });
});
