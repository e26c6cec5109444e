// git trace bisect: a scripted 12-step session where step 7 breaks the test; bisect names step 7
// in at most ⌈log2 12⌉ + 1 runs of the test, and leaves the user's work tree as it was.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { BREAKING, LIB, TEST, twelveStepSession } from '../helpers/bisect-session.js';

const SESSION = 'bisect-12';

describe('git trace bisect', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'lib.js': LIB, 'test.js': TEST });
    assert.equal(r.trace(['init']).status, 0);
    const file = join(r.dir, '.git', 'steps.jsonl');
    writeFileSync(file, twelveStepSession(SESSION, r.git('rev-parse', 'HEAD').trim()));
    const imported = r.trace(['import', '--format', 'steps', file]);
    assert.equal(imported.status, 0, imported.stderr);
  });
  after(() => r.cleanup());

  test(`names step ${BREAKING} in at most ⌈log2 12⌉ + 1 runs, and leaves the work tree as it was`, () => {
    const before = [r.git('status', '--porcelain'), r.git('worktree', 'list'), r.git('rev-parse', 'HEAD')];
    const result = r.trace(['bisect', '--json', '--test', 'node test.js', SESSION]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { version: number; found: boolean; step: number; runs: { step: number; outcome: string }[]; candidates: number };
    assert.deepEqual([json.version, json.found, json.step, json.candidates], [1, true, BREAKING, 12]);
    assert.ok(json.runs.length <= Math.ceil(Math.log2(12)) + 1, `${json.runs.length} runs`);
    assert.deepEqual(json.runs[0], { ...json.runs[0], step: 12, outcome: 'fail' }, 'the end is checked first');
    for (const run of json.runs) assert.equal(run.outcome, run.step >= BREAKING ? 'fail' : 'pass', `step ${run.step}`);
    assert.deepEqual([r.git('status', '--porcelain'), r.git('worktree', 'list'), r.git('rev-parse', 'HEAD')], before);
  });

  test('the text names the step, its prompt and its patch; each run goes to stderr', () => {
    const result = r.trace(['bisect', '--test', 'node test.js', SESSION]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^step #${BREAKING} is the first after which the test fails \\(\\d runs over 12 steps with changes\\)`));
    assert.match(result.stdout, /Prompt \(step #0\): add the twelve notes/);
    assert.match(result.stdout, /patch lib\.js \(reported\)\n--- a\/lib\.js/);
    assert.match(result.stderr, /after step #12: fails \(exit 1\), changed/);
  });

  test('--fixed on a session that ends failing finds nothing and says why (exit 1); bad arguments are usage errors', () => {
    const result = r.trace(['bisect', '--fixed', '--test', 'node test.js', SESSION]);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^the test fails after the session's last change: no step changed it \(1 run\)$/m);
    assert.equal(r.trace(['bisect', SESSION]).status, 2);
    assert.equal(r.trace(['bisect', '--test', 'true']).status, 2);
  });
});
