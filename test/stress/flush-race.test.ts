// Flushes racing over sessions that just ended: several `git trace flush` processes start at
// once over sessions whose SessionEnd is spooled with steps not yet stored (as when a session's
// background flush at SessionEnd meets a manual flush, or another session's). The flush that
// stores a session's end removes its capture folder while the others wait for its lock; every
// flush must still exit 0, and everything must be stored once.
//
// Default 3 rounds of 6 sessions × 4 flushes; GIT_TRACE_STRESS=full: 20 rounds.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openRepo, type TraceRepo } from '../../lib/trace-repo.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { sendHook, toolCall } from '../helpers/stress-hooks.js';
import { describeRun, spawnCli } from '../helpers/stress-process.js';
import { stressSize } from '../helpers/stress-scale.js';
import { assertFsckClean, assertVerifyClean, isToolStep } from '../helpers/stress-store.js';

const ROUNDS = stressSize(3, 20);
const SESSIONS = 6;
const FLUSHES = 4;

let r: TempRepo;
let repo: TraceRepo;

before(async () => {
  const identityFile = testIdentityFile();
  r = tempRepo({ 'log.txt': 'start\n' });
  assert.equal(r.trace(['init']).status, 0);
  repo = await openRepo(r.dir, { identityFile });
});
after(() => {
  repo.close();
  r.cleanup();
});

test(
  `${FLUSHES} flushes racing over ${SESSIONS} sessions that just ended all exit 0 and store everything (${ROUNDS} rounds)`,
  {},
  async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ids = Array.from({ length: SESSIONS }, (_, s) => `race-${round}-${s}`);
      // Sessions one after another: they share the work tree, and each call's patch is asserted.
      for (const id of ids) {
        await toolCall(r, id, `${id}-call`, `echo ${id} >> log.txt`, () => appendFileSync(join(r.dir, 'log.txt'), `${id}\n`));
        await sendHook(r, id, 'SessionEnd', { reason: 'exit' });
      }
      const runs = await Promise.all(Array.from({ length: FLUSHES }, () => spawnCli(['flush', '--quiet'], { cwd: r.dir })));
      failures.push(...runs.filter((run) => run.code !== 0).map((run) => `round ${round}: ${describeRun(run)}`));
      // Whatever a failed flush left, one more must store it.
      const last = await spawnCli(['flush', '--quiet'], { cwd: r.dir });
      assert.equal(last.code, 0, describeRun(last));
      for (const id of ids) {
        const tools = (await repo.sessions.read(id)).steps.filter(isToolStep);
        assert.deepEqual(tools.map((s) => s.patches?.map((p) => p.path)), [['log.txt']], `${id}: its one call and its patch`);
        assert.equal(existsSync(join(r.dir, '.git', 'opentraces', 'capture', id)), false, `${id}: capture state removed at its end`);
      }
    }
    assertVerifyClean(r);
    assertFsckClean(r.dir, { strict: true });
    assert.deepEqual(failures, [], 'every racing flush exits 0');
  },
);
