import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { tempRepo } from '../helpers/repo.js';
import { openInitializedRepo } from '../helpers/store.js';
import { verifyStore } from '../../lib/store/verify.js';

const WORKER = join(PROJECT_ROOT, 'dist', 'test', 'helpers', 'append-worker.js');

function worker(dir: string, session: string, prefix: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, dir, session, prefix, String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${prefix} exited ${code}: ${stderr}`))));
  });
}

test('parallel processes appending to the same and to different sessions lose nothing', async () => {
  const r = tempRepo();
  const repo = await openInitializedRepo(r.dir);
  try {
    const perWorker = 12;
    await Promise.all([
      worker(r.dir, 'shared', 'w1', perWorker),
      worker(r.dir, 'shared', 'w2', perWorker),
      worker(r.dir, 'shared', 'w3', perWorker),
      worker(r.dir, 'solo-a', 'a', perWorker),
      worker(r.dir, 'solo-b', 'b', perWorker),
    ]);
    const shared = await repo.sessions.read('shared');
    const ids = new Set(shared.steps.map((s) => s.id));
    for (const prefix of ['w1', 'w2', 'w3']) for (let i = 0; i < perWorker; i++) assert.ok(ids.has(`${prefix}-${i}`), `lost ${prefix}-${i}`);
    assert.equal(shared.steps.length, 3 * perWorker);
    assert.equal(r.git('rev-list', '--count', 'refs/opentraces/sessions/shared').trim(), String(3 * perWorker));
    assert.equal((await repo.sessions.read('solo-a')).steps.length, perWorker);
    assert.equal((await repo.sessions.read('solo-b')).steps.length, perWorker);
    const report = await verifyStore(repo);
    assert.equal(report.ok, true, JSON.stringify(report));
    r.git('fsck', '--strict', '--no-dangling');
  } finally {
    repo.close();
    r.cleanup();
  }
});
