// A lock file (O_EXCL), so two flushes, or two snapshots, of one session never interleave. A lock left
// by a process that died is taken over; a live holder is waited for, a bounded time.

import { openSync, closeSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TraceError } from '../errors.js';

export class LockTimeoutError extends TraceError {}

const EMPTY_LOCK_GRACE_MS = 10_000;

export async function withLock<T>(path: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(path)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LockTimeoutError(`'${path}' is held by another git-trace process`, { hint: 'try again in a moment' });
      await sleep(25 + Math.random() * 50);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(path, { force: true });
  }
}

function holderIsGone(path: string): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, 'utf8');
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return false;
  }
  // Between creating the lock and writing its pid the file is empty: that is a holder at work,
  // unless it has stayed empty for long (a holder killed at that very moment).
  if (text === '') return age > EMPTY_LOCK_GRACE_MS;
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
