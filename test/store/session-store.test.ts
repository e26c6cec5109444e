import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openRepo } from '../../lib/trace-repo.js';
import { verifyStore } from '../../lib/store/verify.js';
import type { Step } from '../../lib/model/step.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { openInitializedRepo, prompt, session, testIdentityFile, tool } from '../helpers/store.js';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

function fresh(objectFormat: 'sha1' | 'sha256' = 'sha1'): TempRepo {
  const r = tempRepo({ 'a.txt': 'one\n' }, { objectFormat });
  repos.push(r);
  return r;
}

const patched: Step = {
  v: 1,
  id: 'edit-1',
  kind: 'tool',
  timestamp: '2026-11-20T10:05:00.000Z',
  tool: { name: 'Edit', callId: 'edit-1', input: { file_path: 'a.txt' }, output: 'ok', status: 'ok' },
  patches: [{ path: 'a.txt', origin: 'reported', op: 'modify', diff: '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+two\n' }],
  redacted: { 'github-token': 1 },
};

for (const format of ['sha1', 'sha256'] as const) {
  describe(`the session store in a ${format} repository`, () => {
    test('stores steps and reads them back in order, with patches and derived metadata', async () => {
      const r = fresh(format);
      const repo = await openInitializedRepo(r.dir);
      try {
        const result = await repo.sessions.append(session('s1'), [prompt('p1', 'make it two\nplease'), patched, tool('t1', 'Bash', 'done')]);
        assert.equal(result.added, 3);
        const stored = await repo.sessions.read('s1');
        assert.deepEqual(stored.steps.map((s) => [s.index, s.id]), [[0, 'p1'], [1, 'edit-1'], [2, 't1']]);
        assert.deepEqual(stored.steps[1]?.patches, patched.patches);
        assert.equal(stored.meta.session.title, 'make it two');
        assert.equal(stored.meta.session.startedAt, '2026-11-20T10:00:00.000Z');
        assert.equal(stored.meta.session.endedAt, '2026-11-20T10:30:00.000Z');
        assert.deepEqual(stored.meta.session.redactions, { 'github-token': 1 });
        assert.equal(stored.meta.stepCount, 3);
        assert.equal((await verifyStore(repo)).ok, true);
      } finally {
        repo.close();
      }
    });
  });
}

test('appending the same steps again writes nothing', async () => {
  const r = fresh();
  const repo = await openInitializedRepo(r.dir);
  try {
    const first = await repo.sessions.append(session('s2'), [prompt('p1', 'hi'), tool('t1', 'Bash', 'out')]);
    const second = await repo.sessions.append(session('s2'), [prompt('p1', 'hi'), tool('t1', 'Bash', 'out')]);
    assert.deepEqual([second.added, second.updated, second.unchanged], [0, 0, 2]);
    assert.equal(second.tip, first.tip);
    assert.equal(r.git('rev-list', '--count', 'refs/opentraces/sessions/s2').trim(), '1');
  } finally {
    repo.close();
  }
});

test('a step stored again with new content replaces the old version in place', async () => {
  const r = fresh();
  const repo = await openInitializedRepo(r.dir);
  try {
    await repo.sessions.append(session('s3'), [prompt('p1', 'run it'), tool('t1', 'Bash')]);
    const later = await repo.sessions.append(session('s3'), [tool('t1', 'Bash', 'finished'), prompt('p2', 'thanks', 40)]);
    assert.deepEqual([later.added, later.updated], [1, 1]);
    const stored = await repo.sessions.read('s3');
    assert.deepEqual(stored.steps.map((s) => s.id), ['p1', 't1', 'p2']);
    const t1 = stored.steps[1];
    assert.ok(t1?.kind === 'tool' && t1.tool.status === 'ok' && t1.tool.output === 'finished');
    assert.equal(stored.meta.stepCount, 3);
    assert.equal(stored.meta.chunks, 2);
  } finally {
    repo.close();
  }
});

test('linked worktrees share one store', async () => {
  const r = fresh();
  const repo = await openInitializedRepo(r.dir);
  await repo.sessions.append(session('shared'), [prompt('p1', 'from the main worktree')]);
  repo.close();
  const wt = join(mkdtempSync(join(tmpdir(), 'git-trace-wt-')), 'wt');
  r.git('worktree', 'add', '-q', wt);
  const other = await openRepo(wt, { identityFile: testIdentityFile() });
  try {
    await other.sessions.append(session('shared'), [prompt('p2', 'from the linked worktree', 1)]);
    assert.deepEqual((await other.sessions.read('shared')).steps.map((s) => s.id), ['p1', 'p2']);
    assert.equal(other.git.repo.commonDir, join(r.dir, '.git'));
  } finally {
    other.close();
  }
});

test('no byte of a step is readable in any object reachable from refs/opentraces, loose or packed', async () => {
  const r = fresh();
  const repo = await openInitializedRepo(r.dir);
  const secrets = ['PLAINTEXT-PROMPT-7731', 'PLAINTEXT-OUTPUT-9924', 'PLAINTEXT-DIFF-5510', 'claude-code'];
  try {
    await repo.sessions.append(session('probe', { cwd: '/home/someone/PLAINTEXT-CWD-1234', title: 'PLAINTEXT-TITLE-4242' }), [
      prompt('p1', `please ${secrets[0]}`),
      { ...tool('t1', 'Bash', `result ${secrets[1]}`) },
      { ...patched, id: 'e2', patches: [{ path: 'a.txt', origin: 'reported', diff: `--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+${secrets[2]}\n` }] },
    ]);
  } finally {
    repo.close();
  }
  const probe = [...secrets, 'PLAINTEXT-CWD-1234', 'PLAINTEXT-TITLE-4242', 'make'];
  const check = (): void => {
    const oids = r.git('rev-list', '--objects', '--glob=refs/opentraces/*').split('\n').map((l) => l.split(' ')[0]).filter((o) => o);
    assert.ok(oids.length >= 6);
    const contents = execFileSync('git', ['cat-file', '--batch'], { cwd: r.dir, input: oids.join('\n') + '\n', maxBuffer: 64 << 20 });
    for (const needle of probe) assert.equal(contents.includes(Buffer.from(needle)), false, `'${needle}' is readable in refs/opentraces`);
  };
  check();
  r.git('gc', '-q', '--prune=now');
  check();
});
