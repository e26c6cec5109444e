// Clear answers to bad input at import (issue 14): a file another agent wrote, named with the
// wrong --agent, is refused naming the agent it looks like; a folder stands for the transcripts
// in it; a file of no step stores nothing and says so; repeated warnings come as one line with
// a count. Each stored nothing it should not have, and the exit code says whether anything was.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const jsonl = (records: readonly object[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

function claudeFile(dir: string, id: string): string {
  return jsonl([1, 2].map((n) => ({ type: 'user', sessionId: id, uuid: `u${n}`, timestamp: `2026-11-01T10:00:0${n}Z`, cwd: dir, message: { role: 'user', content: `prompt ${n}` } })));
}

/** A Codex rollout whose records all carry a timestamp that is no date: no step, four warnings. */
function codexWithoutSteps(dir: string): string {
  return jsonl([
    { type: 'session_meta', timestamp: 'later', payload: { id: 'codex-empty', cwd: dir } },
    ...[1, 2, 3].map(() => ({ type: 'turn_context', timestamp: 'later', payload: { cwd: dir, model: 'gpt-5' } })),
  ]);
}

function sessionRefs(r: TempRepo): string[] {
  return r.git('for-each-ref', '--format=%(refname:lstrip=3)', 'refs/opentraces/sessions/').split('\n').filter((l) => l !== '');
}

describe('import of bad input', () => {
  let r: TempRepo;
  let files: string;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    files = mkdtempSync(join(tmpdir(), 'git-trace-transcripts-'));
    mkdirSync(join(files, 'folder', 'nested'), { recursive: true });
    writeFileSync(join(files, 'folder', 'claude.jsonl'), claudeFile(r.dir, 'cc-1'));
    writeFileSync(join(files, 'folder', 'nested', 'claude-2.jsonl'), claudeFile(r.dir, 'cc-2'));
    writeFileSync(join(files, 'folder', 'notes.json'), '{"not": "a transcript"}\n');
    writeFileSync(join(files, 'folder', 'README.md'), 'not even JSON\n');
    writeFileSync(join(files, 'codex-empty.jsonl'), codexWithoutSteps(r.dir));
  });
  after(() => {
    r.cleanup();
    rmSync(files, { recursive: true, force: true });
  });

  test('--agent codex on a Claude Code file: refused, naming claude-code; nothing stored; exit 1', () => {
    const result = r.trace(['import', '--agent', 'codex', join(files, 'folder', 'claude.jsonl')]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /claude\.jsonl' looks like a claude-code transcript, not codex's: skipped \(use --agent claude-code, or no --agent\)/);
    assert.deepEqual(sessionRefs(r), []);
  });

  test('a file with no step: nothing stored, said once; its repeated warnings folded into one line', () => {
    const result = r.trace(['import', join(files, 'codex-empty.jsonl')]);
    assert.equal(result.status, 1);
    const warnings = result.stderr.split('\n').filter((l) => l !== '');
    assert.equal(warnings.length, 2, result.stderr);
    assert.match(warnings[0] ?? '', /:1: 'session_meta' timestamp is not an ISO date \(and 3 more lines like it\)$/);
    assert.match(warnings[1] ?? '', /holds no step codex can read \(4 lines\): nothing stored$/);
    assert.deepEqual(sessionRefs(r), []);
  });

  test('a folder imports the transcripts below it, and counts the other files in one line', () => {
    const result = r.trace(['import', join(files, 'folder')]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EISDIR/);
    assert.match(result.stderr, /left out 1 file in '.*' that no agent wrote \(or that are empty\)/);
    assert.match(result.stdout, /^imported 2 files into 2 sessions: 4 new steps/);
    assert.deepEqual(sessionRefs(r), ['cc-1', 'cc-2']);
  });

  test('a folder with no transcript, and a path that does not exist: said in words, exit 1', () => {
    const empty = join(files, 'nested-empty');
    mkdirSync(empty);
    for (const [path, words] of [
      [empty, /is a folder with no agent transcript in it/],
      [join(files, 'missing.jsonl'), /cannot read '.*missing\.jsonl': no such file or folder/],
    ] as const) {
      const result = r.trace(['import', path]);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, words);
    }
  });
});
