// Answers a user can act on when sessions cannot be read: a key that opens none of them is one
// error and exit 1 (never an empty list that looks like "no sessions"); a few unreadable
// sessions are named, many are folded into one line; blame in a repository without commits
// says so.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

function stepsFile(ids: readonly string[]): string {
  return ids
    .flatMap((id, i) => [
      JSON.stringify({ type: 'session', id, agent: 'claude-code', startedAt: `2026-11-0${1 + (i % 9)}T08:00:00Z`, cwd: '/w' }),
      JSON.stringify({ type: 'step', v: 1, id: `${id}:p`, kind: 'prompt', timestamp: `2026-11-0${1 + (i % 9)}T08:00:00Z`, text: `zanzibar task ${i}` }),
      JSON.stringify({ type: 'step', v: 1, id: `${id}:m`, kind: 'message', timestamp: `2026-11-0${1 + (i % 9)}T08:00:05Z`, text: 'done', model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 10, outputTokens: 5 } }),
    ])
    .join('\n');
}

describe('sessions this key cannot read', () => {
  let r: TempRepo;
  let otherKeys: string;
  let otherIdentity: string;
  before(() => {
    testIdentityFile();
    r = tempRepo({ 'a.txt': 'one\n' });
    otherKeys = mkdtempSync(join(tmpdir(), 'git-trace-other-key-'));
    otherIdentity = join(otherKeys, 'identity.txt');
    assert.equal(r.trace(['init']).status, 0);
    writeFileSync(join(otherKeys, 'five.jsonl'), stepsFile(['s-1', 's-2', 's-3', 's-4', 's-5']));
    const stored = r.trace(['import', '--format', 'steps', join(otherKeys, 'five.jsonl')]);
    assert.equal(stored.status, 0, stored.stderr);
  });
  after(() => {
    r.cleanup();
    rmSync(otherKeys, { recursive: true, force: true });
  });

  const asOther = (args: string[]): ReturnType<TempRepo['trace']> => r.trace(args, { env: { GIT_TRACE_IDENTITY: otherIdentity } });

  test('a key that opens none of them: list, search and cost fail once, with what to do', () => {
    // A key of its own, made the way a user would make one.
    assert.equal(asOther(['init']).status, 0);
    // As in another clone: the catalog is this clone's cache of what its user could read.
    for (const f of readdirSync(join(r.dir, '.git', 'opentraces'))) if (f.startsWith('catalog.sqlite')) rmSync(join(r.dir, '.git', 'opentraces', f));
    // init makes the other key a recipient of what is written from now on: none of the five.
    for (const args of [['list'], ['list', '--json'], ['search', 'zanzibar'], ['cost']]) {
      const result = asOther(args);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '', args.join(' '));
      assert.match(result.stderr, /^error: none of the 5 sessions here is encrypted to your key\nhint: check that GIT_TRACE_IDENTITY names your key/, args.join(' '));
      assert.doesNotMatch(result.stderr, /cannot read session/, `${args.join(' ')}: said once, not per session`);
    }
  });

  test('many unreadable among readable ones: one folded line, and the readable ones answer', () => {
    writeFileSync(join(otherKeys, 'mine.jsonl'), stepsFile(['mine-1']));
    const more = r.trace(['import', '--format', 'steps', join(otherKeys, 'mine.jsonl')], { env: { GIT_TRACE_IDENTITY: otherIdentity } });
    assert.equal(more.status, 0, more.stderr);
    const list = asOther(['list', '--json']);
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { id: string }[]).map((s) => s.id), ['mine-1']);
    const warnings = list.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    assert.equal(warnings.length, 1, list.stderr);
    assert.match(warnings[0] ?? '', /^warning: cannot read 5 sessions \('s-1', 's-2', 's-3', …\): not encrypted to your key/);
  });
});

test('blame in a repository without commits says so, without a stack trace', () => {
  testIdentityFile();
  const r = tempRepo({});
  try {
    r.write({ 'f.txt': 'x\n' });
    const result = r.trace(['blame', 'f.txt']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'error: this repository has no commits yet\nhint: git trace reads what was committed: commit first, then ask again\n');
  } finally {
    r.cleanup();
  }
});
