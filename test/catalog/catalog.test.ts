// The catalog: derived from the refs, equal whether kept incrementally or rebuilt, healing itself
// when damaged or of an older schema, seeing a session right after its agent stopped (the hooks
// run as an agent runs them, the list read at once), and seeing sessions another clone pushed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Catalog } from '../../lib/catalog/catalog.js';
import { pinEnvironment, runCli, tempRepo, type TempRepo } from '../helpers/repo.js';
import { FIXTURES } from '../helpers/paths.js';

type Json = Record<string, unknown>;

/** Every table that comes from the refs, as sorted rows without rowids. */
async function dump(dir: string): Promise<string> {
  const catalog = await Catalog.open(join(dir, '.git', 'opentraces'), () => undefined);
  try {
    const db = catalog.db;
    const rows = (sql: string): string[] => (db.prepare(sql).all() as Json[]).map((r) => JSON.stringify(r)).sort();
    return JSON.stringify({
      sessions: rows('SELECT id, tip, agent, title, started_at, ended_at, step_count, cwd, git_branch, base_commit, record, chunks FROM sessions'),
      steps: rows('SELECT session_id, idx, step_id, digest, kind, ts, tool, model, thread, status, exit_code, command, reads, redacted FROM steps'),
      paths: rows('SELECT s.session_id, s.idx, p.path FROM step_paths p JOIN steps s ON s.id = p.step'),
      text: rows('SELECT s.session_id, s.idx, t.body FROM step_text t JOIN steps s ON s.id = t.rowid'),
      usage: rows('SELECT session_id, idx, model, usage_key, ts, usage, cost_usd FROM usage'),
      patches: rows('SELECT session_id, idx, step_id, path, old_path, origin, op, evidence FROM patches'),
    });
  } finally {
    catalog.close();
  }
}

function stepsFile(dir: string, name: string, lines: readonly Json[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

describe('the catalog', () => {
  let r: TempRepo;
  let scratch: string;
  before(() => {
    r = tempRepo({ 'src/app.ts': 'export const a = 1;\n' });
    scratch = mkdtempSync(join(tmpdir(), 'git-trace-catalog-'));
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => {
    r.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  const list = (): string[] => {
    const result = r.trace(['list', '--all', '--json']);
    assert.equal(result.status, 0, result.stderr);
    return (JSON.parse(result.stdout) as { id: string }[]).map((s) => s.id).sort();
  };

  test('rebuilt from the refs, it equals the one kept incrementally', async () => {
    assert.equal(r.trace(['import', '--format', 'steps', join(FIXTURES, 'steps', 'small-session.jsonl')]).status, 0);
    const session = { type: 'session', id: 'grown', agent: 'claude-code', startedAt: '2026-11-02T09:00:00Z' };
    const pending = { type: 'step', v: 1, id: 't1', kind: 'tool', timestamp: '2026-11-02T09:00:01Z', tool: { name: 'Bash', input: { command: 'npm test' }, status: 'pending' } };
    const first = stepsFile(scratch, 'first.jsonl', [session, { type: 'step', v: 1, id: 'p1', kind: 'prompt', timestamp: '2026-11-02T09:00:00Z', text: 'make the tests pass' }, pending]);
    assert.equal(r.trace(['import', '--format', 'steps', first]).status, 0);
    // The tool's result arrives later: the same step id stored again, and more steps after it.
    const done = { ...pending, tool: { ...pending.tool, output: 'ok 3 tests', exitCode: 0, status: 'ok' } };
    const edit = {
      type: 'step', v: 1, id: 't2', kind: 'tool', timestamp: '2026-11-02T09:00:05Z',
      tool: { name: 'Edit', input: { file_path: 'src/app.ts' }, output: 'ok', status: 'ok' },
      patches: [{ path: 'src/app.ts', origin: 'reported', diff: '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1,2 @@\n export const a = 1;\n+export const grown = computeGrowth(2);\n' }],
    };
    const second = stepsFile(scratch, 'second.jsonl', [session, done, edit]);
    assert.equal(r.trace(['import', '--format', 'steps', second]).status, 0);
    assert.deepEqual(list(), ['fixture-session-1', 'grown']);
    const incremental = await dump(r.dir);
    const rebuilt = r.trace(['index', '--rebuild', '--json']);
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.equal((JSON.parse(rebuilt.stdout) as { indexed: number }).indexed, 2);
    assert.equal(await dump(r.dir), incremental);
  });

  test('a damaged catalog is set aside with one warning and rebuilt; the command answers', () => {
    const path = join(r.dir, '.git', 'opentraces', 'catalog.sqlite');
    for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    writeFileSync(path, Buffer.alloc(8192, 'this is not a database '));
    const result = r.trace(['list', '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as unknown[]).length, 2);
    const warnings = result.stderr.split('\n').filter((l) => l !== '');
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0] ?? '', /^warning: the catalog '.*catalog\.sqlite' was damaged; set it aside as '.*' and rebuilt it from the refs$/);
    assert.doesNotMatch(result.stderr, /bug/);
    assert.ok(readdirSync(join(r.dir, '.git', 'opentraces')).some((f) => f.startsWith('catalog.sqlite.damaged-')));
  });

  test('a catalog of an older schema is rebuilt from the refs', async () => {
    const catalog = await Catalog.open(join(r.dir, '.git', 'opentraces'), () => undefined);
    catalog.db.pragma('user_version = 3');
    catalog.db.exec('DELETE FROM sessions');
    catalog.close();
    assert.deepEqual(list(), ['fixture-session-1', 'grown']);
  });

  test('list right after SessionEnd or Stop shows the session, every time', () => {
    for (let n = 0; n < 4; n++) {
      const id = `live-${n}`;
      const hook = (event: string, extra: Json = {}): void => {
        const payload = { session_id: id, cwd: r.dir, hook_event_name: event, ...extra };
        // The background flush is on, as an agent runs the hooks: nobody flushes by hand.
        const result = r.trace(['hook', 'claude-code'], { input: JSON.stringify(payload), env: { GIT_TRACE_BACKGROUND_FLUSH: '1' } });
        assert.equal(result.status, 0, result.stderr);
      };
      hook('SessionStart', { source: 'startup' });
      hook('UserPromptSubmit', { prompt: `task number ${n}` });
      hook(n % 2 === 0 ? 'SessionEnd' : 'Stop', n % 2 === 0 ? { reason: 'exit' } : {});
      assert.ok(list().includes(id), `${id} listed at once`);
    }
  });
});

describe('sessions brought in by fetch', () => {
  const root = mkdtempSync(join(tmpdir(), 'git-trace-catalog-fetch-'));
  const bare = join(root, 'remote.git');
  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const env = { GIT_TRACE_IDENTITY: join(root, 'ada.key') };
  const trace = (cwd: string, ...args: string[]): string => {
    const result = runCli(args, { cwd, env });
    assert.equal(result.status, 0, `git trace ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const blamedSessions = (cwd: string): (string | null)[] => (JSON.parse(trace(cwd, 'blame', '--json', 'src/a.ts')) as { session: string | null }[]).map((l) => l.session);
  after(() => rmSync(root, { recursive: true, force: true }));

  test('appear in blame without any refresh by hand', () => {
    pinEnvironment();
    git(root, 'init', '-q', '--bare', bare);
    const first = join(root, 'first');
    git(root, 'clone', '-q', bare, first);
    writeFileSync(join(first, 'README.md'), 'hello\n');
    git(first, 'add', '.');
    git(first, 'commit', '-qm', 'start');
    git(first, 'push', '-q', 'origin', 'HEAD:main');
    const base = git(first, 'rev-parse', 'HEAD').trim();
    trace(first, 'init');
    const second = join(root, 'second');
    git(root, 'clone', '-q', '-b', 'main', bare, second);
    trace(second, 'init');
    // The first clone's agent writes src/a.ts; the work is committed and pushed, traces too.
    const line = 'export const answer = computeTheAnswer(42);';
    const file = stepsFile(root, 'a.jsonl', [
      { type: 'session', id: 'remote-work', agent: 'codex', startedAt: '2026-11-03T10:00:00Z', baseCommit: base },
      { type: 'step', v: 1, id: 'p', kind: 'prompt', timestamp: '2026-11-03T10:00:00Z', text: 'add the answer' },
      { type: 'step', v: 1, id: 'e', kind: 'tool', timestamp: '2026-11-03T10:00:01Z', tool: { name: 'apply_patch', input: 'patch', status: 'ok' }, patches: [{ path: 'src/a.ts', origin: 'reported', diff: `--- /dev/null\n+++ b/src/a.ts\n@@ -0,0 +1 @@\n+${line}\n` }] },
    ]);
    trace(first, 'import', '--format', 'steps', file);
    execFileSync('mkdir', ['-p', join(first, 'src')]);
    writeFileSync(join(first, 'src', 'a.ts'), `${line}\n`);
    git(first, 'add', '.');
    git(first, 'commit', '-qm', 'answer');
    git(first, 'push', '-q', 'origin', 'HEAD:main');
    trace(first, 'push', 'origin');
    git(second, 'pull', '-q', 'origin', 'main');
    assert.deepEqual(blamedSessions(second), [null], 'not fetched yet');
    trace(second, 'fetch', 'origin');
    assert.deepEqual(blamedSessions(second), ['remote-work']);
    assert.equal(existsSync(join(second, '.git', 'opentraces', 'catalog.sqlite')), true);
  });
});
