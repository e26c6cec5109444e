// Gemini JSONL sessions: messages replaced by id, `$set`, `$rewindTo`, torn last lines, and
// incremental parses that end where a whole parse ends.

import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withdrawnStepIds } from '../../../lib/agents/gemini/index.js';
import type { ParseResult } from '../../../lib/agents/types.js';
import { validateStep } from '../../../lib/model/validate.js';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { fold, GEMINI_FIXTURES, parseWith, stepsOfKind, tempDir } from './support.js';

const fixture = (name: string): string => join(GEMINI_FIXTURES, name);
const ids = (result: ParseResult): string[] => result.steps.map((s) => s.id);

/** The file's text cut after `lines` complete lines, plus `extra` bytes of the next one. */
function prefix(text: string, lines: number, extra = 0): string {
  let end = 0;
  for (let i = 0; i < lines; i += 1) end = text.indexOf('\n', end) + 1;
  return text.slice(0, end + extra);
}

describe('gemini jsonl: a message written again under the same id', () => {
  it('keeps one set of steps for it, as of its last line', async () => {
    const { result, warnings } = await parseWith(fixture('replace.jsonl'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(ids(result), ['u1', 'g1:thought:0', 'shell-1', 'shell-2', 'g2']);
    const [test, lint] = stepsOfKind(result.steps, 'tool');
    assert.deepEqual([test?.tool.status, test?.tool.exitCode, lint?.tool.exitCode], ['ok', 0, 1]);
    assert.equal(test?.tool.output, 'Output: 3 passing\nProcess Group PGID: 77');
  });

  it('returns the step again, same id, when a later line completes it', async () => {
    const text = readFileSync(fixture('replace.jsonl'), 'utf8');
    const file = join(tempDir(), 'session.jsonl');
    writeFileSync(file, prefix(text, 4));
    const first = await parseWith(file);
    const pending = stepsOfKind(first.result.steps, 'tool')[0];
    assert.deepEqual([pending?.id, pending?.tool.status, pending?.tool.output], ['shell-1', 'pending', undefined]);
    writeFileSync(file, prefix(text, 5));
    const second = await parseWith(file, null, first.result.checkpoint);
    const done = stepsOfKind(second.result.steps, 'tool')[0];
    assert.deepEqual([done?.id, done?.tool.status], ['shell-1', 'ok']);
    // The reasoning step now carries the message's usage, so it changed too.
    assert.deepEqual(ids(second.result), ['g1:thought:0', 'shell-1']);
  });

  it('takes the title and end time from $set records', async () => {
    const { result } = await parseWith(fixture('replace.jsonl'));
    assert.equal(result.session.title, 'Run tests and lint');
    assert.equal(result.session.endedAt, '2026-03-01T09:00:09.000Z');
    assert.equal(result.session.startedAt, '2026-03-01T09:00:00.000Z');
  });
});

describe('gemini jsonl: $set.messages', () => {
  it('rebuilds the message list from the checkpoint', async () => {
    const { result } = await parseWith(fixture('set-messages.jsonl'));
    assert.deepEqual(ids(result), ['u2', 'a2', 'u3']);
    assert.equal(stepsOfKind(result.steps, 'message')[0]?.text, 'second answer (masked)');
    assert.equal(result.session.title, 'Three questions');
  });

  it('withdraws what an earlier parse returned and the rebuild dropped, and returns what changed', async () => {
    const text = readFileSync(fixture('set-messages.jsonl'), 'utf8');
    const file = join(tempDir(), 'session.jsonl');
    writeFileSync(file, prefix(text, 5));
    const first = await parseWith(file);
    assert.deepEqual(ids(first.result), ['u1', 'a1', 'u2', 'a2']);
    writeFileSync(file, text);
    const second = await parseWith(file, null, first.result.checkpoint);
    assert.deepEqual(ids(second.result), ['a2', 'u3']);
    assert.deepEqual([...withdrawnStepIds(second.result)].sort(), ['a1', 'u1']);
    assert.equal(second.result.stats.skipped['withdrawn'], 2);
  });
});

describe('gemini jsonl: $rewindTo', () => {
  it('deletes the message and everything after it, and counts the rewind', async () => {
    const { result } = await parseWith(fixture('rewind.jsonl'), '/repo');
    assert.deepEqual(ids(result), ['u1', 'g1', 'write-1', 'u3', 'g3']);
    assert.equal(result.stats.skipped['rewind'], 1);
    assert.deepEqual(withdrawnStepIds(result), []);
    assert.equal(stepsOfKind(result.steps, 'tool')[0]?.patches?.[0]?.path, 'notes.txt');
  });

  it('withdraws the rewound steps an earlier parse returned', async () => {
    const text = readFileSync(fixture('rewind.jsonl'), 'utf8');
    const file = join(tempDir(), 'session.jsonl');
    writeFileSync(file, prefix(text, 5));
    const first = await parseWith(file, '/repo');
    assert.deepEqual(ids(first.result), ['u1', 'g1', 'write-1', 'u2', 'g2:thought:0', 'g2']);
    writeFileSync(file, text);
    const second = await parseWith(file, '/repo', first.result.checkpoint);
    assert.deepEqual(ids(second.result), ['u3', 'g3']);
    assert.deepEqual([...withdrawnStepIds(second.result)].sort(), ['g2', 'g2:thought:0', 'u2']);
  });

  it('clears the session on a rewind to an unknown message, as Gemini does, with a warning', async () => {
    const file = join(tempDir(), 'session.jsonl');
    const text = readFileSync(fixture('rewind.jsonl'), 'utf8').replace('"$rewindTo":"u2"', '"$rewindTo":"nope"');
    writeFileSync(file, text);
    const { result, warnings } = await parseWith(file, '/repo');
    assert.deepEqual(ids(result), ['u3', 'g3']);
    assert.deepEqual(warnings.map((w) => [w.file, w.line]), [[file, 6]]);
  });
});

describe('gemini jsonl: a torn last line', () => {
  it('is left for the next read, with a warning naming file and line', async () => {
    const source = fixture('torn.jsonl');
    const { result, warnings } = await parseWith(source);
    assert.deepEqual(ids(result), ['u1', 'g1']);
    assert.deepEqual(warnings.map((w) => [w.file, w.line]), [[source, 4]]);
    const text = readFileSync(source, 'utf8');
    assert.deepEqual(result.checkpoint.from, { offset: Buffer.byteLength(prefix(text, 3)), line: 3 });
    assert.equal(result.stats.badLines, 0);
  });

  it('is read once the agent finishes writing it', async () => {
    const file = join(tempDir(), 'session.jsonl');
    writeFileSync(file, readFileSync(fixture('torn.jsonl')));
    const first = await parseWith(file);
    appendFileSync(file, 'ten."}\n');
    const second = await parseWith(file, null, first.result.checkpoint);
    assert.deepEqual(ids(second.result), ['g2']);
    assert.equal(stepsOfKind(second.result.steps, 'message')[0]?.text, 'Half written.');
    assert.deepEqual(second.warnings, []);
  });
});

describe('gemini jsonl: incremental parses end where a whole parse ends', () => {
  const files: ReadonlyArray<readonly [string, () => string]> = [
    ['replace.jsonl', () => fixture('replace.jsonl')],
    ['set-messages.jsonl', () => fixture('set-messages.jsonl')],
    ['rewind.jsonl', () => fixture('rewind.jsonl')],
    ['torn.jsonl', () => fixture('torn.jsonl')],
  ];
  for (const [name, path] of files) {
    it(`for every cut of ${name}`, async () => {
      await assertIncrementalMatchesWhole(path());
    });
  }
  it('for every cut of the real JSONL sample', { skip: skipWithoutShared }, async () => {
    await assertIncrementalMatchesWhole(sharedTranscript('gemini', 'gemini_agent-sessions_jsonl_v040.jsonl'));
  });
});

async function assertIncrementalMatchesWhole(source: string): Promise<void> {
  const text = readFileSync(source, 'utf8');
  const whole = await parseWith(source, '/repo');
  const lineCount = text.split('\n').length - 1;
  const file = join(tempDir(), 'session.jsonl');
  for (let lines = 0; lines <= lineCount; lines += 1) {
    for (const extra of [0, 7]) {
      writeFileSync(file, prefix(text, lines, extra));
      const first = await parseWith(file, '/repo');
      writeFileSync(file, text);
      const second = await parseWith(file, '/repo', first.result.checkpoint);
      const cut = `cut after line ${lines} + ${extra} bytes`;
      assert.deepEqual([...fold([first.result, second.result]).entries()], [...fold([whole.result]).entries()], cut);
      assert.deepEqual(second.result.checkpoint.from, whole.result.checkpoint.from, cut);
      assert.deepEqual(liveState(second.result), liveState(whole.result), cut);
      assert.deepEqual(second.result.session, whole.result.session, cut);
    }
  }
}

/** The checkpoint state without the withdrawn ids, which only an incremental parse has. */
function liveState(result: ParseResult): unknown {
  const state = result.checkpoint.state as Record<string, unknown>;
  return { ...state, withdrawn: [] };
}

describe('gemini jsonl: checkpoints that no longer fit the file', () => {
  it('reads again from the start when the checkpoint has no Gemini state', async () => {
    const source = fixture('replace.jsonl');
    const whole = await parseWith(source);
    const { result, warnings } = await parseWith(source, null, { from: { offset: 100, line: 1 }, state: { something: 'else' } });
    assert.deepEqual(ids(result), ids(whole.result));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /reading the file again from the start/);
  });

  it('reads again from the start, withdrawing what is gone, when the file shrank', async () => {
    const text = readFileSync(fixture('rewind.jsonl'), 'utf8');
    const file = join(tempDir(), 'session.jsonl');
    writeFileSync(file, text);
    const first = await parseWith(file, '/repo');
    writeFileSync(file, prefix(text, 2));
    const second = await parseWith(file, '/repo', first.result.checkpoint);
    assert.deepEqual(ids(second.result), []);
    assert.deepEqual([...withdrawnStepIds(second.result)].sort(), ['g1', 'g3', 'u3', 'write-1']);
    assert.match(second.warnings[0]?.message ?? '', /shorter than at the last read/);
  });
});

describe('gemini jsonl: mutated records', () => {
  it('warns with file and line for each, skips them, and keeps what is usable', async () => {
    const source = fixture('mutated.jsonl');
    const { result, warnings } = await parseWith(source);
    for (const w of warnings) assert.equal(w.file, source);
    assert.deepEqual(
      [...new Set(warnings.map((w) => w.line))],
      [2, 3, 4, 5, 6, 7, 8, 9, 12],
    );
    assert.equal(result.stats.badLines, 5);
    assert.deepEqual(result.stats.skipped, { 'record/unknown': 1, 'type/mystery': 1, 'user/function-response': 1 });
    assert.deepEqual(ids(result), ['u1', 't1', 'g3']);
    for (const step of result.steps) assert.ok(validateStep(JSON.parse(JSON.stringify(step))).ok, step.id);
    assert.equal(result.steps[0]?.timestamp, null);
  });
});
