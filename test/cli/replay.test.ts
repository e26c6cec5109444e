// replay ID: the timeline step by step; at once and plain into a pipe, paced by the recorded
// gaps (scaled by --speed, capped) on a terminal.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_MAX_DELAY_MS, playbackDelays } from '../../lib/replay/timeline.js';
import type { Step } from '../../lib/model/step.js';
import { CLI } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { playWorkSession, WORK_FILES, WORK_PROMPT, type WorkSession } from '../ctx/work-session.js';

const SESSION = '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';

describe('replay ID', () => {
  let r: TempRepo;
  let work: WorkSession;

  before(() => {
    testIdentityFile();
    r = tempRepo(WORK_FILES);
    assert.equal(r.trace(['init']).status, 0);
    work = playWorkSession(r, SESSION);
  });
  after(() => r.cleanup());

  test('into a pipe: every step in order, plain, at once', () => {
    const started = Date.now();
    const result = r.trace(['replay', SESSION]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.ok(Date.now() - started < 5000, 'no pauses into a pipe');
    const text = result.stdout;
    assert.doesNotMatch(text, /\x1b\[/, 'no colour');
    const titles = [...text.matchAll(/^── #(\d+) /gm)].map((m) => Number(m[1]));
    assert.deepEqual(titles, Array.from({ length: work.steps.last + 1 }, (_, i) => i));
    assert.match(text, new RegExp(`^> ${WORK_PROMPT.replace(/[()]/g, '\\$&')}$`, 'm'));
    assert.match(text, /^\(Trim in parse\(\); log while debugging\.\)$/m);
    assert.match(text, new RegExp(`^── #${work.steps.failingRun} \\S+ tool Bash\\n\\$ node --test\\n→ exit 1\\n`, 'm'));
    assert.match(text, /^patch src\/parse\.js \(observed\)\n {2}@@ -1,3 \+1,4 @@$/m);
  });

  test('--from and --to play a part; --json gives each step with its pause', () => {
    const part = r.trace(['replay', '--from', String(work.steps.failingRun), '--to', String(work.steps.cleanup), SESSION]);
    assert.equal(part.status, 0, part.stderr);
    assert.deepEqual([...part.stdout.matchAll(/^── #(\d+) /gm)].map((m) => Number(m[1])), Array.from({ length: work.steps.cleanup - work.steps.failingRun + 1 }, (_, i) => work.steps.failingRun + i));
    const json = JSON.parse(r.trace(['replay', '--json', '--speed', '2', SESSION]).stdout) as { speed: number; steps: { delayMs: number; step: { index: number } }[] };
    assert.equal(json.speed, 2);
    assert.equal(json.steps[0]?.delayMs, 0);
    assert.ok(json.steps.slice(1).some((s) => s.delayMs > 0), 'the recorded gaps show');
    assert.ok(json.steps.every((s) => s.delayMs <= DEFAULT_MAX_DELAY_MS));
  });

  test('bad options are usage errors', () => {
    const rows: [string[], RegExp][] = [
      [['replay', '--speed', '0', SESSION], /--speed needs a positive number/],
      [['replay', '--from', 'x', SESSION], /--from needs a step number/],
      [['replay', '--from', '5', '--to', '2', SESSION], /--to 2 comes before --from 5/],
      [['replay'], /replay takes one session ID/],
    ];
    for (const [args, message] of rows) {
      const result = r.trace(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
  });

  test('on a terminal it pauses as recorded, scaled by --speed', { skip: spawnSync('sh', ['-c', 'command -v script']).status === 0 ? false : 'needs script (util-linux) for a pty' }, () => {
    const json = JSON.parse(r.trace(['replay', '--json', '--speed', '4', SESSION]).stdout) as { steps: { delayMs: number }[] };
    const expected = json.steps.reduce((sum, s) => sum + s.delayMs, 0);
    assert.ok(expected >= 1000, `the session's gaps add up to ${expected} ms at 4x`);
    const command = `'${process.execPath}' '${CLI}' replay --speed 4 ${SESSION}`;
    const started = Date.now();
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: r.dir, encoding: 'utf8', timeout: 60_000 });
    const elapsed = Date.now() - started;
    assert.equal(result.status, 0, result.stdout);
    assert.ok(elapsed >= expected, `took ${elapsed} ms, the pauses add up to ${expected} ms`);
    assert.match(result.stdout, /at 4x/);
  });
});

describe('playback pauses', () => {
  const at = (iso: string | null): Step => ({ v: 1, id: iso ?? 'x', kind: 'message', timestamp: iso, text: '' });
  const rows: [string, (string | null)[], number, number[]][] = [
    ['the recorded gaps', ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-01T00:00:01.500Z'], 1, [0, 1000, 500]],
    ['scaled by the speed', ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z'], 4, [0, 250]],
    ['capped', ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'], 1, [0, DEFAULT_MAX_DELAY_MS]],
    ['no time: no pause', ['2026-01-01T00:00:00Z', null, '2026-01-01T00:00:00.100Z'], 1, [0, 0, 100]],
    ['out of order: no pause', ['2026-01-01T00:00:05Z', '2026-01-01T00:00:01Z'], 1, [0, 0]],
  ];
  for (const [title, times, speed, expected] of rows) {
    test(title, () => assert.deepEqual(playbackDelays(times.map(at), { speed, maxDelayMs: DEFAULT_MAX_DELAY_MS }), expected));
  }
});
