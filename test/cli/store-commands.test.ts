import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { runCli, tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const SMALL = join(FIXTURES, 'steps', 'small-session.jsonl');
const BAD = join(FIXTURES, 'steps', 'bad-lines.jsonl');

function json(stdout: string): unknown {
  return JSON.parse(stdout) as unknown;
}

describe('init, import, list, show, verify on a real repository', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'src/cli.ts': 'x\n' });
  });
  after(() => r.cleanup());

  test('init never prompts without a terminal and is idempotent', () => {
    const first = r.trace(['init', '--json']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stderr, '');
    const result = json(first.stdout) as { identityCreated: boolean; recipients: number; recipient: string };
    assert.equal(result.recipients, 1);
    assert.match(result.recipient, /^age1/);
    const again = json(r.trace(['init', '--json']).stdout) as { identityCreated: boolean; recipients: number };
    assert.deepEqual([again.identityCreated, again.recipients], [false, 1]);
  });

  test('import stores a steps file once; a second import adds nothing', () => {
    const first = r.trace(['import', '--format', 'steps', '--json', SMALL]);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(json(first.stdout), { version: 1, sessions: 1, added: 6, updated: 0, unchanged: 0, badLines: 0, redactions: {} });
    const tip = r.git('rev-parse', 'refs/opentraces/sessions/fixture-session-1');
    const second = r.trace(['import', '--format', 'steps', '--json', SMALL]);
    assert.deepEqual(json(second.stdout), { version: 1, sessions: 1, added: 0, updated: 0, unchanged: 6, badLines: 0, redactions: {} });
    assert.equal(r.git('rev-parse', 'refs/opentraces/sessions/fixture-session-1'), tip);
  });

  test('list --json prints the contract fields', () => {
    const list = r.trace(['list', '--json']);
    assert.equal(list.status, 0, list.stderr);
    const sessions = json(list.stdout) as Record<string, unknown>[];
    assert.equal(sessions.length, 1);
    const s = sessions[0] ?? {};
    assert.deepEqual([s['id'], s['agent'], s['startedAt'], s['endedAt'], s['stepCount']], ['fixture-session-1', 'codex', '2026-11-01T08:00:00Z', '2026-11-01T08:01:30Z', 6]);
    assert.equal(s['title'], 'add a --verbose flag to the CLI');
    assert.deepEqual(json(r.trace(['list', '--json', '--agent', 'pi']).stdout), []);
    assert.deepEqual(json(r.trace(['list', '--json', '--since', '2026-12-01']).stdout), []);
    assert.equal((json(r.trace(['list', '--json', '--since', '2026-10-01']).stdout) as unknown[]).length, 1);
    const text = r.trace(['list']);
    assert.match(text.stdout, /fixture-session-1\s+codex\s+2026-11-01 08:00\s+1m30s\s+6\s+add a --verbose flag/);
  });

  test('show --json prints the session and every step with its content', () => {
    const shown = r.trace(['show', '--json', 'fixture-session-1']);
    assert.equal(shown.status, 0, shown.stderr);
    const { session, steps } = json(shown.stdout) as { session: Record<string, unknown>; steps: Record<string, unknown>[] };
    assert.equal(session['id'], 'fixture-session-1');
    assert.deepEqual(steps.map((s) => [s['index'], s['kind']]), [[0, 'prompt'], [1, 'reasoning'], [2, 'tool'], [3, 'tool'], [4, 'tool'], [5, 'message']]);
    assert.equal(steps[0]?.['text'], 'add a --verbose flag to the CLI');
    const edit = steps[3] as { tool: { name: string; input: unknown; output: string }; patches: { path: string; diff: string }[] };
    assert.equal(edit.tool.name, 'apply_patch');
    assert.equal(edit.tool.output, 'Success.');
    assert.equal(edit.patches[0]?.path, 'src/cli.ts');
    assert.match(edit.patches[0]?.diff ?? '', /\+  verbose: \{ type: 'boolean' \},/);
  });

  test('show reads like the session: a timeline, and one step in full', () => {
    const timeline = r.trace(['show', 'fixt']);
    assert.equal(timeline.status, 0, timeline.stderr);
    assert.match(timeline.stdout, /#0\s+08:00\s+prompt\s+add a --verbose flag/);
    assert.match(timeline.stdout, /#4\s+08:01\s+tool\s+shell npm test → exit 1/);
    const step = r.trace(['show', 'fixture-session-1', '--step', '3']);
    assert.match(step.stdout, /patch src\/cli\.ts \(reported\)\n--- a\/src\/cli\.ts/);
    const missing = r.trace(['show', 'fixture-session-1', '--step', '99']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^error: session 'fixture-session-1' has no step 99\nhint: /);
  });

  test('a malformed steps file imports what is valid and names each bad line', () => {
    const result = r.trace(['import', '--format', 'steps', BAD]);
    assert.equal(result.status, 0, result.stderr);
    const warnings = result.stderr.trim().split('\n');
    assert.deepEqual(
      warnings.map((w) => /:(\d+): /.exec(w)?.[1]),
      ['3', '4', '5', '7'],
      result.stderr,
    );
    assert.ok(warnings.every((w) => w.startsWith(`warning: ${BAD}:`)));
    assert.match(warnings[0] ?? '', /unknown step kind "telepathy"/);
    assert.match(warnings[1] ?? '', /'timestamp' must be an ISO date/);
    assert.match(warnings[3] ?? '', /incomplete last line/);
    const shown = json(r.trace(['show', '--json', 'fixture-bad-1']).stdout) as { steps: { id: string }[] };
    assert.deepEqual(shown.steps.map((s) => s.id), ['u1', 'm1']);
  });

  test('a file with no valid line fails; usage errors exit 2 with the synopsis', () => {
    const junk = join(r.dir, '..', `junk-${process.pid}.jsonl`);
    writeFileSync(junk, 'nope\n{"type":"step","id":"x"}\n');
    const result = r.trace(['import', '--format', 'steps', junk]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /:1: not JSON/);
    const usage = r.trace(['import', '--format', 'steps', '--bogus', junk]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^error: unknown option '--bogus'\nhint: usage: git trace import/);
    assert.equal(r.trace(['frobnicate']).status, 2);
    assert.equal(r.trace(['list', '--help']).status, 0);
  });

  test('reading with the wrong identity is a clear error, not garbage', () => {
    const other = join(r.dir, '..', `other-${process.pid}.txt`);
    const env = { GIT_TRACE_IDENTITY: other };
    runCli(['init'], { cwd: join(r.dir, '..'), env }); // fails outside a repo; the identity is not created
    const result = r.trace(['show', 'fixture-session-1'], { env });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: no identity at '.*other-\d+\.txt'\nhint: run 'git trace init'/);
    // A real but foreign key: make it by running init in a scratch repository.
    const scratch = tempRepo();
    try {
      assert.equal(scratch.trace(['init'], { env }).status, 0);
      const foreign = r.trace(['show', 'fixture-session-1'], { env });
      assert.equal(foreign.status, 1);
      assert.match(foreign.stderr, /^error: 'fixture-session-1\/meta\.age' is not encrypted to your key\n/);
      assert.doesNotMatch(foreign.stderr, /at .*\.js:\d+/);
    } finally {
      scratch.cleanup();
    }
  });

  test('outside a repository: a one-line error', () => {
    const result = runCli(['list'], { cwd: '/' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: not a git repository: '\/'\nhint: /);
  });
});

describe('damage under refs/opentraces', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    assert.equal(r.trace(['import', '--format', 'steps', SMALL]).status, 0);
    // A session ref pointing at a blob, a session whose meta.age is not age, a foreign ref.
    const blobOid = r.git('hash-object', '-w', SMALL).trim();
    r.git('update-ref', 'refs/opentraces/sessions/blobbed', blobOid);
    const garbage = r.git('hash-object', '-w', BAD).trim();
    const badTree = execGit(r, ['mktree'], `100644 blob ${garbage}\tmeta.age\n`).trim();
    const badCommit = execGit(r, ['commit-tree', badTree, '-m', 'bad'], '').trim();
    r.git('update-ref', 'refs/opentraces/sessions/garbled', badCommit);
    r.git('update-ref', 'refs/opentraces/foreign', badCommit);
  });
  after(() => r.cleanup());

  test('verify names every damaged ref and exits 1', () => {
    const result = r.trace(['verify', '--json']);
    assert.equal(result.status, 1);
    const report = json(result.stdout) as { sessions: { id: string; ok: boolean; problems: string[] }[]; refProblems: string[] };
    const byId = new Map(report.sessions.map((s) => [s.id, s]));
    assert.equal(byId.get('fixture-session-1')?.ok, true);
    assert.match(byId.get('blobbed')?.problems.join() ?? '', /points at a blob/);
    assert.match(byId.get('garbled')?.problems.join() ?? '', /garbled\/meta\.age' is damaged or was altered/);
    assert.match(report.refProblems.join(), /refs\/opentraces\/foreign: not a git-trace ref/);
    const text = r.trace(['verify']);
    assert.match(text.stdout, /^ok\s+fixture-session-1/m);
    assert.match(text.stdout, /^error\s+garbled/m);
  });

  test('every other command keeps working for the good sessions', () => {
    const list = r.trace(['list', '--json']);
    assert.equal(list.status, 0);
    assert.deepEqual((json(list.stdout) as { id: string }[]).map((s) => s.id), ['fixture-session-1']);
    assert.match(list.stderr, /warning: cannot read session 'blobbed'/);
    assert.match(list.stderr, /warning: cannot read session 'garbled'/);
    assert.equal(r.trace(['show', 'fixture-session-1']).status, 0);
    assert.equal(r.trace(['verify', 'fixture-session-1']).status, 0);
  });
});

test("commands never touch the user's branches, index, work tree or stash", () => {
  testIdentityFile();
  const r = tempRepo({ 'a.txt': 'one\n', 'b.txt': 'bee\n' });
  try {
    r.write({ 'a.txt': 'stashed\n' });
    r.git('stash', '-q');
    r.write({ 'a.txt': 'staged\n', 'c.txt': 'untracked\n' });
    r.git('add', 'a.txt');
    r.write({ 'b.txt': 'unstaged\n' });
    const snapshot = (): string[] => [
      r.git('log', '--format=%H %s', '--exclude=refs/opentraces/*', '--all'),
      r.git('branch', '-a', '-v'),
      r.git('status', '--porcelain=v2', '--untracked-files=all'),
      r.git('stash', 'list'),
      readFileSync(join(r.dir, '.git', 'index')).toString('base64'),
      r.git('rev-parse', 'HEAD'),
      r.git('config', '--local', '--list'),
      readFileSync(join(r.dir, 'a.txt'), 'utf8') + readFileSync(join(r.dir, 'b.txt'), 'utf8'),
    ];
    const before = snapshot();
    for (const args of [['init'], ['import', '--format', 'steps', SMALL], ['list'], ['show', 'fixture-session-1'], ['verify']]) {
      const result = r.trace(args);
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
    }
    assert.deepEqual(snapshot(), before);
    assert.match(r.git('for-each-ref', 'refs/opentraces'), /refs\/opentraces\/sessions\/fixture-session-1/);
  } finally {
    r.cleanup();
  }
});

function execGit(r: TempRepo, args: string[], input: string): string {
  return execFileSync('git', args, { cwd: r.dir, input, encoding: 'utf8' });
}
