// The hook reads its payload with plain blocking reads (no `process.stdin`, whose stream and
// socket machinery cost every hook a few milliseconds): a large payload from a pipe, and one an
// agent writes only later. (A non-blocking stdin, read the stream's way after EAGAIN, cannot be
// made from here: node's spawn makes a child's stdio blocking.)

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { CLI } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

describe('the hook reads its payload', () => {
  let r: TempRepo;
  before(() => {
    r = tempRepo({ 'a.txt': 'a\n' });
  });
  after(() => r.cleanup());

  const logged = (): string => readFileSync(join(r.dir, '.git', 'opentraces', 'logs', 'hook-times.log'), 'utf8');

  test('from a pipe, whole', () => {
    const payload = JSON.stringify({ session_id: 'stdin-pipe', cwd: r.dir, hook_event_name: 'Notification', message: 'x'.repeat(300_000) });
    execFileSync(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: r.dir, input: payload });
    assert.match(logged(), /\tclaude-code\tNotification\t/);
  });

  test('from a FIFO the agent writes to later', async () => {
    const fifo = join(r.dir, '..', `${r.dir.split('/').pop() ?? 'x'}-stdin.fifo`);
    execFileSync('mkfifo', [fifo]);
    // Opened without blocking only so that this process need not wait for a writer here.
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeEnd = openSync(fifo, constants.O_WRONLY);
    const child = spawn(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: r.dir, stdio: [readEnd, 'ignore', 'pipe'] });
    closeSync(readEnd);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await sleep(300); // the hook is waiting in its first read by now
    writeSync(writeEnd, JSON.stringify({ session_id: 'stdin-fifo', cwd: r.dir, hook_event_name: 'SubagentStop' }));
    closeSync(writeEnd);
    assert.equal(await exited, 0);
    rmSync(fifo, { force: true });
    assert.match(logged(), /\tclaude-code\tSubagentStop\t/, 'the event was read and handled');
  });
});
