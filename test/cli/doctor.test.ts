import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

interface Check {
  name: string;
  status: 'ok' | 'warn' | 'error';
  detail: string;
  hint?: string;
}

test('doctor says what is wrong and what to do, line by line', () => {
  testIdentityFile();
  const r = tempRepo();
  try {
    const checks = (): Check[] => {
      const result = r.trace(['doctor', '--json']);
      return (JSON.parse(result.stdout) as { checks: Check[] }).checks;
    };
    const fresh = r.trace(['doctor', '--json'], { env: { GIT_TRACE_IDENTITY: join(r.dir, '..', 'nobody.key') } });
    assert.equal(fresh.status, 1);
    const identity = (JSON.parse(fresh.stdout) as { checks: Check[] }).checks.find((c) => c.name === 'identity');
    assert.equal(identity?.status, 'error');
    assert.match(identity?.hint ?? '', /git trace init/);

    assert.equal(r.trace(['init']).status, 0);
    const after = checks();
    assert.equal(after.find((c) => c.name === 'recipients')?.status, 'ok');
    assert.match(after.find((c) => c.name === 'signing')?.detail ?? '', /^your signing key is ssh-ed25519 AAAA/);
    assert.equal(after.find((c) => c.name === 'hooks claude-code')?.status, 'warn');
    assert.equal(after.find((c) => c.name === 'spool')?.status, 'ok');

    // A live session that has not been flushed, and a hook that logged an error.
    const live = new LiveSession(r, 'claude-code', 'doctor-session', null);
    live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'c1' });
    live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'c1' });
    assert.equal(r.trace(['hook', 'claude-code'], { input: 'garbage' }).status, 0);
    const busy = checks();
    assert.equal(busy.find((c) => c.name === 'spool')?.status, 'warn');
    assert.match(busy.find((c) => c.name === 'hook errors')?.detail ?? '', /the payload is not JSON/);
    assert.match(busy.find((c) => c.name === 'hook timing')?.detail ?? '', /median \d+ ms, p95 \d+ ms/);
    const text = r.trace(['doctor']);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^warn\s+spool\s+1 session\(s\) with \d+ bytes not yet stored\n\s+hint: run 'git trace flush'/m);
  } finally {
    r.cleanup();
  }
});
