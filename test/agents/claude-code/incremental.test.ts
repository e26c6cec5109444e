// Incremental parsing: a file read in parts, resuming from each checkpoint, gives the steps of
// one whole read; a torn last line waits; bad lines are reported with file and line and skipped.

import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeSessionMeta, type SessionMeta } from '../../../lib/model/session.js';
import { skipWithoutShared } from '../../helpers/paths.js';
import { CLAUDE_FIXTURES, fixtureNames, latestById, parse, tempDir } from './support.js';

/** Byte offsets just past each newline. */
function lineEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) ends.push(i + 1);
  return ends;
}

function sessionOf(...sessions: readonly Parameters<typeof mergeSessionMeta>[1][]): SessionMeta | null {
  let merged: SessionMeta | null = null;
  for (const session of sessions) merged = mergeSessionMeta(merged, session);
  return merged;
}

function sumCounts(...records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const record of records) for (const [key, n] of Object.entries(record)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}

describe('claude-code incremental parsing', { skip: skipWithoutShared }, () => {
  for (const name of fixtureNames()) {
    it(`${name}: parsing in two parts at every line boundary equals one parse`, async () => {
      const source = join(CLAUDE_FIXTURES, name);
      const bytes = readFileSync(source);
      const whole = await parse(source);
      const expected = latestById(whole.steps);
      const file = join(tempDir(), name);
      for (const cut of lineEnds(bytes).slice(0, -1)) {
        writeFileSync(file, bytes.subarray(0, cut));
        const first = await parse(file);
        assert.equal(first.checkpoint.from.offset, cut);
        appendFileSync(file, bytes.subarray(cut));
        const second = await parse(file, null, first.checkpoint);
        assert.deepEqual(latestById(first.steps, second.steps), expected, `cut at byte ${cut}`);
        assert.deepEqual(sessionOf(first.session, second.session), sessionOf(whole.session), `session, cut at byte ${cut}`);
        assert.deepEqual(sumCounts(first.stats.skipped, second.stats.skipped), whole.stats.skipped);
        assert.equal(first.stats.lines + second.stats.lines, whole.stats.lines);
        assert.deepEqual(second.checkpoint, whole.checkpoint, 'the final checkpoint does not depend on the cut');
      }
    });
  }

  it('resumes through several checkpoints in a row (one line at a time)', async () => {
    const name = 'cc_entireio-cli_ac0df591859d_v2.1.41.jsonl';
    const bytes = readFileSync(join(CLAUDE_FIXTURES, name));
    const whole = await parse(join(CLAUDE_FIXTURES, name));
    const file = join(tempDir(), name);
    writeFileSync(file, '');
    const parts = [];
    let checkpoint = (await parse(file)).checkpoint;
    let start = 0;
    for (const end of lineEnds(bytes)) {
      appendFileSync(file, bytes.subarray(start, end));
      start = end;
      const part = await parse(file, null, checkpoint);
      parts.push(part.steps);
      // The importer stores the checkpoint as JSON: resume from what a JSON round trip gives back.
      checkpoint = JSON.parse(JSON.stringify(part.checkpoint));
    }
    assert.deepEqual(latestById(...parts), latestById(whole.steps));
  });

  it('leaves a torn last line unread, then reads it once it is complete', async () => {
    const name = 'cc_entireio-cli_6c3e73767733_v2.1.12_bash-edit-errors.jsonl';
    const bytes = readFileSync(join(CLAUDE_FIXTURES, name));
    const ends = lineEnds(bytes);
    const file = join(tempDir(), name);
    for (const index of [3, 10, ends.length - 1]) {
      const lineStart = ends[index - 1] ?? 0;
      const lineEnd = ends[index] ?? bytes.length;
      const cut = lineStart + Math.floor((lineEnd - lineStart) / 2);
      writeFileSync(file, bytes.subarray(0, cut));
      const torn = await parse(file);
      assert.deepEqual(torn.warnings, [], 'a torn line is not an error');
      assert.equal(torn.checkpoint.from.offset, lineStart, 'the torn line is not consumed');
      assert.equal(torn.checkpoint.from.line, index);
      writeFileSync(file, bytes.subarray(0, lineStart));
      assert.deepEqual(latestById(torn.steps), latestById((await parse(file)).steps), 'same steps as without the torn line');
      writeFileSync(file, bytes);
      const rest = await parse(file, null, torn.checkpoint);
      assert.deepEqual(rest.warnings, []);
      assert.deepEqual(latestById(torn.steps, rest.steps), latestById((await parse(join(CLAUDE_FIXTURES, name))).steps));
    }
  });

  it('starts afresh when the checkpoint state is not one it wrote', async () => {
    const file = join(CLAUDE_FIXTURES, 'cc_entireio-cli_c9883595c929_v2.0.74.jsonl');
    const whole = await parse(file);
    for (const state of [null, 42, 'x', { v: 99 }, { v: 1, pending: { a: { step: { kind: 'tool' } } }, agents: [1], held: 7 }]) {
      const again = await parse(file, null, { from: { offset: 0, line: 0 }, state });
      assert.deepEqual(latestById(again.steps), latestById(whole.steps), JSON.stringify(state));
    }
  });
});

// Lines that are not records Claude Code writes. Each is inserted between the real lines.
const MUTANTS: readonly (readonly [string, string])[] = [
  ['random bytes', Buffer.from([0x8f, 0x00, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x41, 0x09, 0xff]).toString('latin1')],
  ['a JSON array', '[1,2,3]'],
  ['a JSON string', '"user"'],
  ['null', 'null'],
  ['a number type', '{"type":42,"uuid":"u"}'],
  ['a user record with a numeric uuid', '{"type":"user","uuid":5,"message":{"role":"user","content":"hi"}}'],
  ['an assistant record whose content is a number', '{"type":"assistant","uuid":"m1","message":{"content":7}}'],
  ['a user record without message', '{"type":"user","uuid":"m2","timestamp":"2026-01-01T00:00:00Z"}'],
  ['a tool_use block without id', '{"type":"assistant","uuid":"m3","message":{"content":[{"type":"tool_use","name":"Bash"}]}}'],
  ['a tool_result without its call id', '{"type":"user","uuid":"m4","message":{"content":[{"type":"tool_result","content":"x"}]}}'],
  ['agent_progress without message', '{"type":"progress","uuid":"m5","data":{"type":"agent_progress","agentId":"a1"}}'],
  ['a summary without leaf', '{"type":"summary","summary":"t"}'],
];

describe('claude-code bad lines', { skip: skipWithoutShared }, () => {
  it('reports each bad line with its file and line number and imports everything else', async () => {
    const name = 'cc_entireio-cli_f4bd19c39902_v2.1.3_sonnet-todowrite.jsonl';
    const lines = readFileSync(join(CLAUDE_FIXTURES, name), 'utf8').split('\n');
    const mixed: string[] = [];
    const badAt = new Map<number, string>();
    lines.forEach((line, i) => {
      mixed.push(line);
      const mutant = MUTANTS[i % MUTANTS.length];
      if (i < lines.length - 1 && mutant !== undefined && i < MUTANTS.length * 2) {
        mixed.push(mutant[1]);
        badAt.set(mixed.length, mutant[0]);
      }
    });
    const file = join(tempDir(), name);
    writeFileSync(file, mixed.join('\n'));
    const result = await parse(file);
    const clean = await parse(join(CLAUDE_FIXTURES, name));
    assert.deepEqual(latestById(result.steps), latestById(clean.steps), 'the good lines import as before');
    assert.deepEqual(
      result.warnings.map((w) => w.line),
      [...badAt.keys()],
      `one warning per bad line: ${[...badAt.values()].join(', ')}`,
    );
    for (const warning of result.warnings) assert.equal(warning.file, file);
    assert.equal(result.stats.badLines, badAt.size);
  });

  it('keeps a call pending when its result record is damaged, and imports the rest', async () => {
    const name = 'cc_entireio-cli_6c3e73767733_v2.1.12_bash-edit-errors.jsonl';
    const lines = readFileSync(join(CLAUDE_FIXTURES, name), 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes('"tool_result"'));
    const damaged = lines.map((line, i) => (i === index ? line.replace('"tool_use_id":"', '"tool_use_id":7,"x":"') : line));
    const file = join(tempDir(), name);
    writeFileSync(file, damaged.join('\n'));
    const result = await parse(file);
    assert.deepEqual(result.warnings.map((w) => [w.file, w.line]), [[file, index + 1]]);
    assert.match(result.warnings[0]?.message ?? '', /tool_use_id/);
    const clean = await parse(join(CLAUDE_FIXTURES, name));
    const pending = result.steps.filter((s) => s.kind === 'tool' && s.tool.status === 'pending');
    assert.equal(pending.length, 1);
    assert.equal(result.steps.length, clean.steps.length);
  });

  it('counts unknown record kinds and warns once per kind', async () => {
    const file = join(tempDir(), 'unknown.jsonl');
    writeFileSync(file, ['{"type":"brand-new","x":1}', '{"type":"brand-new"}', '{"type":"system","subtype":"novel"}', ''].join('\n'));
    const result = await parse(file);
    assert.deepEqual(result.stats.skipped, { 'brand-new': 2, 'system/novel': 1 });
    assert.deepEqual(result.warnings.map((w) => w.line), [1, 3]);
    assert.equal(result.stats.badLines, 0);
  });
});
