// Incremental parsing: a file read in pieces (resuming from each checkpoint) gives what one read
// of the whole file gives; a torn last line waits for the next read; bad lines are warned with
// their file and line and the rest is imported.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Checkpoint, ParseResult } from '../../../lib/agents/types.js';
import type { Step, ToolStep } from '../../../lib/model/step.js';
import { sharedTranscript, skipWithoutShared } from '../../helpers/paths.js';
import { addCounts, applySteps, build, parse, PI_FIXTURES, tempDir } from './support.js';

const temp = tempDir();
after(() => temp.cleanup());

/** Byte offsets just past each newline. */
function lineEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) ends.push(i + 1);
  return ends;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing split can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Grow a copy of `source` through `cuts` (byte offsets), parsing from the last checkpoint each time. */
async function parseInPieces(source: Buffer, name: string, cuts: readonly number[]) {
  const file = join(temp.dir, name);
  const batches: Step[][] = [];
  let skipped: Record<string, number> = {};
  let badLines = 0;
  let from: Checkpoint | undefined;
  let session: ParseResult['session'] | undefined;
  for (const cut of [...cuts, source.length]) {
    writeFileSync(file, source.subarray(0, cut));
    const result = await parse(file, from === undefined ? {} : { from });
    assert.deepEqual(JSON.parse(JSON.stringify(result.checkpoint)), result.checkpoint, 'the checkpoint is plain JSON');
    batches.push([...result.steps]);
    skipped = addCounts(skipped, result.stats.skipped);
    badLines += result.stats.badLines;
    from = JSON.parse(JSON.stringify(result.checkpoint)) as Checkpoint;
    session = result.session;
  }
  return { steps: applySteps(batches), skipped, badLines, session, from };
}

describe('incremental parse of the real fixtures', { skip: skipWithoutShared }, () => {
  for (const name of PI_FIXTURES) {
    it(`${name}: pieces resumed from checkpoints equal one whole parse`, async () => {
      const source = readFileSync(sharedTranscript('pi', name));
      const whole = await parse(sharedTranscript('pi', name));
      const ends = lineEnds(source);
      const next = random(name.length);
      const splits: number[][] = [
        [ends[0] ?? 0], // just the header: later parses know the session only from the checkpoint
        ends.filter((_, i) => i % 2 === 1), // every other line
        [...new Set(Array.from({ length: 4 }, () => ends[Math.floor(next() * ends.length)] ?? 0))].sort((a, b) => a - b),
      ];
      for (const cuts of splits) {
        const pieces = await parseInPieces(source, name, cuts.length > 200 ? cuts.filter((_, i) => i % 25 === 0) : cuts);
        assert.deepEqual(pieces.steps, whole.steps, `split at ${cuts.length} points`);
        assert.deepEqual(pieces.skipped, whole.stats.skipped);
        assert.equal(pieces.badLines, 0);
        assert.deepEqual(pieces.from, whole.checkpoint);
        assert.equal(pieces.session?.id, whole.session.id);
        assert.equal(pieces.session?.cwd, whole.session.cwd);
      }
    });
  }

  it('leaves a torn last line for the next read, without a warning', async () => {
    const source = readFileSync(sharedTranscript('pi', 'pi_cka-buddy_agent-sessions_builder.json'));
    const ends = lineEnds(source);
    const lineStart = ends[9] ?? 0;
    const lineEnd = ends[10] ?? 0;
    const file = join(temp.dir, 'torn.jsonl');
    writeFileSync(file, source.subarray(0, Math.floor((lineStart + lineEnd) / 2)));
    const first = await parse(file);
    assert.deepEqual(first.warnings, []);
    assert.deepEqual(first.checkpoint.from, { offset: lineStart, line: 10 });
    writeFileSync(file, source);
    const second = await parse(file, { from: first.checkpoint });
    const whole = await parse(sharedTranscript('pi', 'pi_cka-buddy_agent-sessions_builder.json'));
    assert.deepEqual(applySteps([first.steps, second.steps]), whole.steps);
  });

  it('warns about mutated lines with file and line, counts them, and imports everything else', async () => {
    const source = readFileSync(sharedTranscript('pi', 'pi_cka-buddy_agent-sessions_builder.json'), 'utf8').trimEnd().split('\n');
    const next = random(7);
    const garbage = Buffer.from(Array.from({ length: 64 }, () => 32 + Math.floor(next() * 200))).toString('latin1');
    const mutations: readonly { readonly after: number; readonly line: string; readonly imported: boolean }[] = [
      { after: 3, line: garbage, imported: false },
      { after: 5, line: '[1, 2, 3]', imported: false },
      { after: 8, line: '{"type": 5}', imported: false },
      { after: 12, line: '{"type":"message","id":"m1","parentId":null,"message":{"role":"assistant","content":"not a list"}}', imported: false },
      { after: 15, line: '{"type":"message","id":"m2","parentId":null,"message":{"role":"user","content":42}}', imported: false },
      { after: 20, line: '{"type":"message","id":"m3","parentId":null,"message":{"role":"toolResult","toolCallId":7}}', imported: false },
      { after: 22, line: '{"type":"message","id":"m4","parentId":null,"message":"text"}', imported: false },
      // Usable in part: the text is kept, the bad usage and timestamp are dropped and reported.
      { after: 25, line: '{"type":"message","id":"m5","parentId":null,"timestamp":12,"message":{"role":"assistant","content":[{"type":"text","text":"kept"}],"usage":"lots"}}', imported: true },
    ];
    const lines: string[] = [];
    const mutatedAt: number[] = [];
    for (const [index, line] of source.entries()) {
      lines.push(line);
      for (const mutation of mutations.filter((m) => m.after === index + 1)) {
        lines.push(mutation.line);
        mutatedAt.push(lines.length);
      }
    }
    const file = temp.session('mutated.jsonl', lines);
    const result = await parse(file);
    const whole = await parse(sharedTranscript('pi', 'pi_cka-buddy_agent-sessions_builder.json'));
    assert.deepEqual(
      result.warnings.map((w) => `${w.file}:${w.line}`),
      mutatedAt.map((line) => `${file}:${line}`),
    );
    assert.equal(result.stats.badLines, mutations.length);
    assert.deepEqual(
      result.steps.filter((s) => s.id !== 'm5'),
      whole.steps,
    );
    const kept = result.steps.find((s) => s.id === 'm5');
    assert.ok(kept?.kind === 'message');
    assert.equal(kept.text, 'kept');
    assert.equal(kept.usage, undefined);
    assert.equal(kept.timestamp, null);
  });
});

describe('tool calls across parses', () => {
  it('emits a call pending, then the same id completed when its result arrives later', async () => {
    const file = temp.session('pending.jsonl', [
      build.header('/w/repo'),
      build.user('u1', null, 'list files'),
      build.call('a1', 'u1', [{ id: 'call-1', name: 'bash', arguments: { command: 'ls' } }]),
    ]);
    const first = await parse(file, { repoRoot: '/w/repo' });
    const pending = first.steps.find((s): s is ToolStep => s.kind === 'tool');
    assert.equal(pending?.id, 'a1:call-1');
    assert.equal(pending?.tool.status, 'pending');
    assert.equal(pending?.costUSD, 0.25);

    temp.append(file, [build.result('r1', 'a1', 'call-1', 'bash', 'a\nb\n\nCommand exited with code 2', { isError: true })]);
    const second = await parse(file, { repoRoot: '/w/repo', from: JSON.parse(JSON.stringify(first.checkpoint)) as Checkpoint });
    assert.deepEqual(second.warnings, []);
    assert.equal(second.steps.length, 1);
    const done = second.steps[0];
    assert.ok(done?.kind === 'tool');
    assert.equal(done.id, 'a1:call-1');
    assert.deepEqual(done.tool, { name: 'bash', callId: 'call-1', input: { command: 'ls' }, output: 'a\nb\n\nCommand exited with code 2', exitCode: 2, status: 'error' });
    assert.equal(done.costUSD, 0.25, 'the re-emitted step keeps the usage it carried');
    assert.equal(second.session.id, '11111111-2222-4333-8444-555555555555');
    assert.equal(second.session.cwd, '/w/repo');
    assert.deepEqual((second.checkpoint.state as { pending: unknown }).pending, {});
  });

  it('names v1 steps (no entry ids) by session and line, the same in every parse', async () => {
    const header = { type: 'session', id: 'v1-session', timestamp: '2025-11-20T10:00:00.000Z', cwd: '/w', provider: 'anthropic', modelId: 'claude-v1', thinkingLevel: 'off' };
    const user = { type: 'message', timestamp: '2025-11-20T10:00:01.000Z', message: { role: 'user', content: 'hi', timestamp: 1 } };
    const reply = { type: 'message', timestamp: '2025-11-20T10:00:02.000Z', message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'hello' }], stopReason: 'stop', usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 } } };
    const file = temp.session('v1.jsonl', [header, user]);
    const first = await parse(file);
    temp.append(file, [reply]);
    const second = await parse(file, { from: first.checkpoint });
    assert.deepEqual([...first.steps, ...second.steps].map((s) => s.id), ['v1-session:2', 'v1-session:3:0', 'v1-session:3:1']);
    assert.equal(second.steps[0]?.model, 'claude-v1', 'the header model, carried in the checkpoint');
    assert.equal(second.steps[0]?.usageKey, 'v1-session:3');
  });
});
