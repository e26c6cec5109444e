// Live capture under stress: several sessions at once in one repository, and a hook fed garbage,
// unknown events, a missing transcript or a read-only .git: it always exits 0, logs what went
// wrong, and keeps the session's other steps.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { pinEnvironment, tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

interface Shown {
  steps: { kind: string; text?: string; tool?: { name: string; callId?: string }; patches?: { path: string; origin: string; diff: string }[] }[];
}

function shown(r: TempRepo, id: string): Shown {
  const result = r.trace(['show', '--json', id]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Shown;
}

describe('three sessions hooked into one repository at once', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'a.txt': 'a0\n', 'b.txt': 'b0\n', 'c.txt': 'c0\n' });
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => r.cleanup());

  test('with interleaved tool calls, each session gets exactly its own changes', () => {
    const sessions = ['sess-a', 'sess-b', 'sess-c'].map((id) => new LiveSession(r, 'claude-code', id, null));
    for (const s of sessions) s.hook('SessionStart', { source: 'startup' });
    // Round-robin: a's call, then b's, then c's, three rounds; each edits its own file.
    for (let round = 1; round <= 3; round++) {
      for (const [i, s] of sessions.entries()) {
        const name = ['a', 'b', 'c'][i] ?? 'x';
        const call = `${s.sessionId}-call-${round}`;
        s.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: `echo ${name}${round} > ${name}.txt` }, tool_use_id: call });
        writeFileSync(join(r.dir, `${name}.txt`), `${name}${round}\n`);
        s.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: `echo ${name}${round}` }, tool_use_id: call, tool_response: { stdout: '' } });
      }
    }
    for (const s of sessions) s.hook('Stop', {});
    assert.equal(r.trace(['flush']).status, 0);
    for (const [i, s] of sessions.entries()) {
      const name = ['a', 'b', 'c'][i] ?? 'x';
      const steps = shown(r, s.sessionId).steps.filter((st) => st.kind === 'tool');
      assert.equal(steps.length, 3);
      for (const [round, step] of steps.entries()) {
        assert.deepEqual(step.patches?.map((p) => p.path), [`${name}.txt`], `${s.sessionId} round ${round + 1}`);
        assert.match(step.patches?.[0]?.diff ?? '', new RegExp(`^\\+${name}${round + 1}$`, 'm'));
      }
    }
  });
});

describe('a file-editing tool', () => {
  test('is snapshotted after the call on its own file only; other changes are absorbed, not attributed', () => {
    testIdentityFile();
    const r = tempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    try {
      assert.equal(r.trace(['init']).status, 0);
      const live = new LiveSession(r, 'claude-code', 'scoped', null);
      live.hook('PreToolUse', { tool_name: 'Edit', tool_input: { file_path: join(r.dir, 'a.txt') }, tool_use_id: 'e1' });
      writeFileSync(join(r.dir, 'a.txt'), 'a changed by the Edit tool\n');
      writeFileSync(join(r.dir, 'b.txt'), 'b changed by someone else meanwhile\n');
      live.hook('PostToolUse', { tool_name: 'Edit', tool_input: { file_path: join(r.dir, 'a.txt') }, tool_use_id: 'e1' });
      live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 'b1' });
      live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 'b1' });
      live.hook('Stop', {});
      assert.equal(r.trace(['flush']).status, 0);
      const steps = shown(r, 'scoped').steps;
      assert.deepEqual(steps.find((s) => s.tool?.callId === 'e1')?.patches?.map((p) => p.path), ['a.txt']);
      assert.equal(steps.find((s) => s.tool?.callId === 'b1')?.patches, undefined, "someone else's change is no tool's patch");
    } finally {
      r.cleanup();
    }
  });
});

describe('a tool that only reads', () => {
  test('gets no snapshot: a change made meanwhile is no patch of it, nor of the next call', () => {
    testIdentityFile();
    const r = tempRepo({ 'a.txt': 'a\n' });
    try {
      assert.equal(r.trace(['init']).status, 0);
      const live = new LiveSession(r, 'claude-code', 'reading', null);
      live.hook('SessionStart', { source: 'startup' });
      live.hook('PreToolUse', { tool_name: 'Read', tool_input: { file_path: join(r.dir, 'a.txt') }, tool_use_id: 'r1' });
      writeFileSync(join(r.dir, 'a.txt'), 'changed by the user while the agent read\n');
      live.hook('PostToolUse', { tool_name: 'Read', tool_input: { file_path: join(r.dir, 'a.txt') }, tool_use_id: 'r1', tool_response: { type: 'text' } });
      live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'b1' });
      live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'b1' });
      live.hook('Stop', {});
      assert.equal(r.trace(['flush']).status, 0);
      const steps = shown(r, 'reading').steps;
      const read = steps.find((s) => s.tool?.callId === 'r1');
      assert.equal(read?.tool?.name, 'Read', 'the call is stored');
      assert.equal(read?.patches, undefined);
      assert.equal(steps.find((s) => s.tool?.callId === 'b1')?.patches, undefined);
    } finally {
      r.cleanup();
    }
  });
});

describe('a hook never breaks the agent', () => {
  let r: TempRepo;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'a.txt': 'one\n' });
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => {
    chmodSync(join(r.dir, '.git'), 0o755);
    r.cleanup();
  });

  const log = (): string => {
    const path = join(r.dir, '.git', 'opentraces', 'logs', 'hook.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };

  const cases: { name: string; input: string; agent?: string; expect: RegExp }[] = [
    { name: 'garbage on stdin', input: '\u0000\u00ffnot json{', expect: /the payload is not JSON/ },
    { name: 'a payload without a session', input: JSON.stringify({ hook_event_name: 'PreToolUse' }), expect: /has no session_id/ },
    { name: 'an unknown agent', input: JSON.stringify({ session_id: 's', hook_event_name: 'Stop' }), agent: 'copilot', expect: /unknown agent 'copilot'/ },
  ];
  for (const row of cases) {
    test(`${row.name}: exit 0, nothing on stdout, the error logged`, () => {
      const result = r.trace(['hook', row.agent ?? 'claude-code'], { input: row.input.replace('"s"', `"s", "cwd": ${JSON.stringify(r.dir)}`) });
      assert.equal(result.status, 0);
      assert.equal(result.stdout, '');
      const logged = row.agent === undefined ? log() : log() + readIfExists(join(pinEnvironment(), '.config', 'git-trace', 'logs', 'hook.log'));
      assert.match(logged, row.expect);
    });
  }

  test('an unknown event is ignored, a missing transcript still keeps what the hooks saw', () => {
    const live = new LiveSession(r, 'claude-code', 'no-transcript', join(r.dir, '..', 'does-not-exist.jsonl'));
    live.hook('TeammateIdle', {});
    live.hook('UserPromptSubmit', { prompt: 'rename one to two' });
    live.hook('PreToolUse', { tool_name: 'Write', tool_input: { file_path: join(r.dir, 'a.txt') }, tool_use_id: 't1' });
    writeFileSync(join(r.dir, 'a.txt'), 'two\n');
    live.hook('PostToolUse', { tool_name: 'Write', tool_input: { file_path: join(r.dir, 'a.txt') }, tool_use_id: 't1', tool_response: { type: 'update' } });
    live.hook('Stop', {});
    const flush = r.trace(['flush']);
    assert.equal(flush.status, 0);
    assert.match(flush.stderr, /transcript '.*does-not-exist\.jsonl' of session 'no-transcript' is missing/);
    const steps = shown(r, 'no-transcript').steps;
    assert.equal(steps.find((s) => s.kind === 'prompt')?.text, 'rename one to two');
    const write = steps.find((s) => s.tool?.callId === 't1');
    assert.equal(write?.tool?.name, 'Write');
    assert.deepEqual(write?.patches?.map((p) => [p.path, p.origin]), [['a.txt', 'observed']]);
  });

  test('a read-only .git: the hook exits 0 and the error is logged elsewhere', { skip: process.getuid?.() === 0 ? 'root ignores file modes' : false }, () => {
    chmodSync(join(r.dir, '.git'), 0o555);
    const live = new LiveSession(r, 'claude-code', 'readonly', null);
    live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'x' });
    chmodSync(join(r.dir, '.git'), 0o755);
    assert.match(readIfExists(join(pinEnvironment(), '.config', 'git-trace', 'logs', 'hook.log')), /readonly|EACCES|permission/i);
  });
});

describe('when .git cannot be written', () => {
  test('the hook exits 0 and logs in the config directory', () => {
    testIdentityFile();
    const r = tempRepo({ 'a.txt': 'one\n' });
    try {
      // A file where the state directory should be: every write under it fails, as on a
      // read-only .git, and unlike file modes this holds for root too.
      writeFileSync(join(r.dir, '.git', 'opentraces'), 'not a directory');
      const live = new LiveSession(r, 'claude-code', 'blocked', null);
      live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'x' });
      assert.match(readIfExists(join(pinEnvironment(), '.config', 'git-trace', 'logs', 'hook.log')), /blocked|ENOTDIR|EEXIST/);
    } finally {
      r.cleanup();
    }
  });
});

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
