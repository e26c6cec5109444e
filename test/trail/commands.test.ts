// The blame and track commands as a user runs them: forms of the arguments, ranges, output,
// and errors (exit 2 for usage, 1 for what is not there), never a stack trace.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/repo.js';
import { MATH, ScenarioRun, SUBTRACT } from './scenario.js';

describe('git trace blame and track', () => {
  const run = new ScenarioRun({
    name: 'commands',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add a subtract function' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'add subtract' },
    ],
    checks: [],
  });
  before(() => run.play());
  after(() => run.cleanup());

  const ok = (args: readonly string[], cwd = run.repo.dir): string => {
    const result = runCli(args, { cwd });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout;
  };
  const lines = (stdout: string): number[] => (JSON.parse(stdout) as { line: number }[]).map((l) => l.line);

  test('blame shows the session, step, agent, model and the prompt for agent lines, "-" for the rest', () => {
    const out = ok(['blame', 'src/math.ts']);
    assert.match(out, /^[0-9a-f]{8} -\s+1\) export function add/m);
    assert.match(out, /^[0-9a-f]{8} scn-a-00 #\d+\s+5\) export function subtract/m);
    assert.match(out, /scn-a-0000 step \d+ \(claude-code claude-sonnet-4-5\)\n\s+prompt: "add a subtract function"/);
    const json = JSON.parse(ok(['blame', '--json', 'src/math.ts'])) as { line: number; session: string | null; step: number | null; agent: string | null; model: string | null; prompt: string | null }[];
    assert.deepEqual(json[0], { ...json[0], session: null, step: null, agent: null, model: null, prompt: null });
    assert.deepEqual(json[4], { ...json[4], session: run.sessionId('A'), agent: 'claude-code', model: 'claude-sonnet-4-5', prompt: 'add a subtract function' });
  });

  test('-L ranges, REV -- FILE, and a path relative to a subdirectory', () => {
    assert.deepEqual(lines(ok(['blame', '--json', '-L', '2,3', 'src/math.ts'])), [2, 3]);
    const rows = JSON.parse(ok(['blame', '--json', '-L', '2,3', 'src/math.ts'])) as { version: number }[];
    assert.deepEqual(rows.map((r) => r.version), [1, 1], 'an array still, each row with its version');
    assert.deepEqual(lines(ok(['blame', '--json', '-L', '5,+2', 'src/math.ts'])), [5, 6]);
    assert.deepEqual(lines(ok(['blame', '--json', '-L', '6,', 'src/math.ts'])), [6, 7]);
    assert.deepEqual(lines(ok(['blame', '--json', 'HEAD~1', '--', 'src/math.ts'])), [1, 2, 3]);
    assert.deepEqual(lines(ok(['blame', '--json', 'math.ts', 'HEAD'], join(run.repo.dir, 'src'))), [1, 2, 3, 4, 5, 6, 7]);
  });

  test("a step's observed patch is tracked, not the agent's own report of it", () => {
    const shown = JSON.parse(ok(['show', '--json', run.sessionId('A')])) as { steps: { index: number; patches?: { origin: string }[] }[] };
    const step = shown.steps.find((s) => (s.patches ?? []).length > 0);
    assert.deepEqual(step?.patches?.map((p) => p.origin).sort(), ['observed', 'reported']);
    const tracked = JSON.parse(ok(['track', '--json', run.sessionId('A')])) as { patches: { step: number; origin: string }[] };
    assert.deepEqual(tracked.patches.map((p) => [p.step, p.origin]), [[step?.index, 'observed']]);
  });

  test('track prints every patch with its state and anchors, and the counts', () => {
    const out = ok(['track', run.sessionId('A').slice(0, 6)]);
    assert.match(out, /#\d+\s+src\/math\.ts\s+alive\s+[0-9a-f]{8}\s+every line alive at HEAD/);
    assert.match(out, /^1 alive$/m);
  });

  const errors: readonly { name: string; args: readonly string[]; status: number; stderr: RegExp }[] = [
    { name: 'track without an ID', args: ['track'], status: 2, stderr: /track takes one session ID/ },
    { name: 'track of an unknown session', args: ['track', 'nope-nope'], status: 1, stderr: /no session 'nope-nope'/ },
    { name: 'track at a ref that names nothing', args: ['track', '--at', 'no-such-ref', 'scn-a-0000'], status: 2, stderr: /'no-such-ref' does not name a commit/ },
    { name: 'blame without a file', args: ['blame'], status: 2, stderr: /blame takes a FILE/ },
    { name: 'blame of a path not in the revision', args: ['blame', 'nope.ts'], status: 2, stderr: /no such path 'nope\.ts' in HEAD/ },
    { name: 'blame of a path outside the repository', args: ['blame', '/etc/passwd'], status: 2, stderr: /outside the repository/ },
    { name: 'blame with a backwards range', args: ['blame', '-L', '5,2', 'src/math.ts'], status: 2, stderr: /ends before it starts/ },
    { name: 'blame with a range past the end', args: ['blame', '-L', '20,30', 'src/math.ts'], status: 2, stderr: /'src\/math\.ts' has only 7 lines/ },
    { name: 'blame with a bad range', args: ['blame', '-L', 'x', 'src/math.ts'], status: 2, stderr: /-L needs a,b/ },
  ];
  for (const e of errors) {
    test(`${e.name}: exit ${e.status}, a one-line error, no stack`, () => {
      const result = runCli(e.args, { cwd: run.repo.dir });
      assert.equal(result.status, e.status, result.stderr);
      assert.match(result.stderr, e.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(result.stdout, '');
    });
  }

  test('--help of track, blame and blame pr exits 0 and names the states', () => {
    assert.match(ok(['track', '--help']), /alive {8}every line is at REF/);
    assert.match(ok(['blame', '--help']), /usage: git trace blame/);
    assert.match(ok(['blame', 'pr', '--help']), /usage: git trace blame pr/);
  });
});
