// Legacy whole-file Gemini sessions: re-parsing after the agent rewrote the file, and files
// caught mid-rewrite or mutated.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withdrawnStepIds } from '../../../lib/agents/gemini/index.js';
import { validateStep } from '../../../lib/model/validate.js';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { GEMINI_FIXTURES, parseWith, tempDir } from './support.js';

type Doc = { messages: Array<Record<string, unknown>> } & Record<string, unknown>;

const SOURCE = 'gemini_agtrace_gemini_session.json';

function readDoc(file: string): Doc {
  return JSON.parse(readFileSync(file, 'utf8')) as Doc;
}

function writeDoc(file: string, doc: unknown): void {
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}

const NEW_REPLY = {
  id: 'new-reply-1',
  timestamp: '2025-12-09T19:55:00.000Z',
  type: 'gemini',
  content: 'One more thing.',
  thoughts: [{ subject: 'Wrap up', description: 'Say goodbye.', timestamp: '2025-12-09T19:54:59.000Z' }],
  tokens: { input: 10, output: 2, cached: 0, thoughts: 1, tool: 0, total: 13 },
  model: 'gemini-2.5-flash',
};

describe('gemini legacy .json re-parse', { skip: skipWithoutShared }, () => {
  it('returns only the new steps after a message was appended, with the old ids unchanged', async () => {
    const file = join(tempDir(), 'session.json');
    const doc = readDoc(sharedTranscript('gemini', SOURCE));
    writeDoc(file, doc);
    const first = await parseWith(file);
    writeDoc(file, { ...doc, messages: [...doc.messages, NEW_REPLY] });
    const second = await parseWith(file, null, first.result.checkpoint);
    assert.deepEqual(second.result.steps.map((s) => s.id), ['new-reply-1:thought:0', 'new-reply-1']);
    const whole = await parseWith(file);
    assert.deepEqual(
      whole.result.steps.map((s) => s.id),
      [...first.result.steps.map((s) => s.id), 'new-reply-1:thought:0', 'new-reply-1'],
    );
    assert.deepEqual(whole.result.steps.slice(0, first.result.steps.length), first.result.steps);
  });

  it('returns nothing when the file was rewritten without change', async () => {
    const file = join(tempDir(), 'session.json');
    writeDoc(file, readDoc(sharedTranscript('gemini', SOURCE)));
    const first = await parseWith(file);
    const again = await parseWith(file, null, first.result.checkpoint);
    assert.deepEqual(again.result.steps, []);
    assert.deepEqual(withdrawnStepIds(again.result), []);
  });

  it('returns a changed step again under the same id', async () => {
    const file = join(tempDir(), 'session.json');
    const doc = readDoc(sharedTranscript('gemini', SOURCE));
    writeDoc(file, doc);
    const first = await parseWith(file);
    const last = doc.messages.at(-1) ?? {};
    writeDoc(file, { ...doc, messages: [...doc.messages.slice(0, -1), { ...last, content: 'edited reply' }] });
    const second = await parseWith(file, null, first.result.checkpoint);
    assert.equal(second.result.steps.length, 1);
    const step = second.result.steps[0];
    assert.equal(step?.id, last['id']);
    assert.equal(step?.kind === 'message' ? step.text : undefined, 'edited reply');
  });

  it('withdraws the steps of messages the agent removed (a rewind) and counts it', async () => {
    const file = join(tempDir(), 'session.json');
    const doc = readDoc(sharedTranscript('gemini', SOURCE));
    writeDoc(file, doc);
    const first = await parseWith(file);
    const cut = doc.messages.findIndex((m) => m['type'] === 'user' && m !== doc.messages[0]);
    writeDoc(file, { ...doc, messages: doc.messages.slice(0, cut) });
    const second = await parseWith(file, null, first.result.checkpoint);
    const kept = (await parseWith(file)).result.steps.map((s) => s.id);
    const removed = first.result.steps.map((s) => s.id).filter((id) => !kept.includes(id));
    assert.ok(removed.length > 0);
    assert.deepEqual(second.result.steps, []);
    assert.deepEqual([...withdrawnStepIds(second.result)].sort(), removed.sort());
    assert.equal(second.result.stats.skipped['rewind'], 1);
    assert.equal(second.result.stats.skipped['withdrawn'], removed.length);
  });

  it('warns about a file caught mid-rewrite, returns nothing, and keeps the checkpoint', async () => {
    const file = join(tempDir(), 'session.json');
    const doc = readDoc(sharedTranscript('gemini', SOURCE));
    writeDoc(file, doc);
    const first = await parseWith(file);
    const full = `${JSON.stringify({ ...doc, messages: [...doc.messages, NEW_REPLY] }, null, 2)}\n`;
    writeFileSync(file, full.slice(0, Math.floor(full.length / 2)));
    const torn = await parseWith(file, null, first.result.checkpoint);
    assert.deepEqual(torn.result.steps, []);
    assert.equal(torn.warnings.length, 1);
    assert.equal(torn.warnings[0]?.file, file);
    assert.ok((torn.warnings[0]?.line ?? 0) >= 1);
    assert.equal(torn.result.stats.badLines, 1);
    assert.deepEqual(torn.result.checkpoint, first.result.checkpoint);
    assert.equal(torn.result.session.id, first.result.session.id);
    writeFileSync(file, full);
    const healed = await parseWith(file, null, torn.result.checkpoint);
    assert.deepEqual(healed.result.steps.map((s) => s.id), ['new-reply-1:thought:0', 'new-reply-1']);
  });
});

describe('gemini legacy .json with mutated content', () => {
  const base = (): Doc => readDoc(join(GEMINI_FIXTURES, 'edits.json'));
  const rows: ReadonlyArray<{ readonly name: string; readonly text: () => string; readonly warns: RegExp }> = [
    { name: 'an empty file', text: () => '', warns: /not a complete JSON document/ },
    { name: 'a cut document', text: () => JSON.stringify(base(), null, 2).slice(0, 700), warns: /not a complete JSON document/ },
    { name: 'a JSON array', text: () => '[1, 2]', warns: /not a JSON object/ },
    { name: "'messages' that is not a list", text: () => JSON.stringify({ ...base(), messages: 'lots' }), warns: /'messages' is not a list/ },
    { name: 'a message without id', text: () => JSON.stringify({ ...base(), messages: [{ type: 'user', content: 'x' }] }), warns: /messages\[0\]: a message without a string 'id'/ },
    { name: 'a message that is a number', text: () => JSON.stringify({ ...base(), messages: [7] }), warns: /messages\[0\]: a message must be a JSON object/ },
    {
      name: 'tool calls and tokens of the wrong type',
      text: () => JSON.stringify({ ...base(), messages: [{ id: 'g', type: 'gemini', content: 'hi', toolCalls: 'x', tokens: [1], thoughts: [null] }] }),
      warns: /message 'g': 'toolCalls' is not a list/,
    },
    {
      name: 'a tool call with odd fields',
      text: () =>
        JSON.stringify({
          ...base(),
          messages: [{ id: 'g', type: 'gemini', content: '', toolCalls: [{ id: 5, name: 'replace', status: 'success', args: 'nope', result: { functionResponse: 3 }, resultDisplay: { fileDiff: 9 } }] }],
        }),
      warns: /^$/,
    },
  ];
  for (const row of rows) {
    it(`survives ${row.name}`, async () => {
      const file = join(tempDir(), 'session.json');
      writeFileSync(file, row.text());
      const { result, warnings } = await parseWith(file, '/work/synthetic-repo');
      for (const w of warnings) assert.equal(w.file, file);
      if (row.warns.source === '^$') assert.deepEqual(warnings, []);
      else assert.ok(warnings.some((w) => row.warns.test(w.message)), JSON.stringify(warnings));
      for (const step of result.steps) assert.ok(validateStep(JSON.parse(JSON.stringify(step))).ok, step.id);
      assert.equal(result.session.agent, 'gemini');
      assert.ok(result.session.id.length > 0);
    });
  }
});
