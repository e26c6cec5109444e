// Steps from real OpenCode 2.0.14 sessions (fixtures/opencode/, rows of its database), read
// from a WAL-mode database whose writer is still open.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openCodeAdapter } from '../../../lib/agents/opencode/index.js';
import type { ParseResult } from '../../../lib/agents/types.js';
import type { Step, ToolStep } from '../../../lib/model/step.js';
import { FIXTURE_DIRECTORY, openCodeDatabase, PARAMS_SESSION, QUESTION_SESSION, type OpenDatabase } from './support.js';

function toolSteps(steps: readonly Step[]): ToolStep[] {
  return steps.filter((s): s is ToolStep => s.kind === 'tool');
}

function totals(steps: readonly Step[]): [number, number, number, number] {
  const sum: [number, number, number, number] = [0, 0, 0, 0];
  for (const s of steps) {
    if (s.usage === undefined) continue;
    sum[0] += s.usage.inputTokens;
    sum[1] += s.usage.outputTokens;
    sum[2] += s.usage.cacheReadTokens;
    sum[3] += s.usage.cacheWriteTokens;
  }
  return sum;
}

describe('opencode: parsing 2.x sessions from opencode.db', () => {
  let dir: string;
  let db: OpenDatabase;
  const parsed = new Map<string, ParseResult>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'git-trace-opencode-'));
    db = openCodeDatabase(dir, ['question.jsonl', 'optional-params.jsonl']);
    // The rows are in the write-ahead log, not yet in the database file.
    assert.ok(statSync(`${db.path}-wal`).size > 0);
    for (const id of [QUESTION_SESSION, PARAMS_SESSION]) {
      parsed.set(id, await openCodeAdapter.parse(`${db.path}#${id}`, { repoRoot: FIXTURE_DIRECTORY, warn: (w) => assert.fail(w.message) }));
    }
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = [
    {
      title: 'question.jsonl: a question tool answered, then a reply',
      id: QUESTION_SESSION,
      kinds: ['prompt', 'reasoning', 'tool', 'reasoning', 'message'],
      tools: ['question'],
      // Sums of the two assistant rows' tokens: input, output, cache read, cache write.
      usage: [8620, 164, 8448, 0],
      session: { title: 'Color preference: red, green or blue', startedAt: '2026-09-23T00:08:19.689Z', agentVersion: '2.0.14' },
    },
    {
      title: 'optional-params.jsonl: six model calls, parallel tools, an edit',
      id: PARAMS_SESSION,
      kinds: ['prompt', 'reasoning', 'tool', 'reasoning', 'tool', 'tool', 'tool', 'reasoning', 'tool', 'reasoning', 'message', 'tool', 'tool', 'tool', 'tool', 'tool', 'tool', 'reasoning', 'message', 'tool', 'reasoning', 'message'],
      tools: ['read', 'read', 'read', 'read', 'read', 'read', 'glob', 'grep', 'shell', 'webfetch', 'edit', 'read'],
      usage: [9580, 2573, 49664, 0],
      session: { title: 'Optional parameters', startedAt: '2026-09-22T23:36:30.098Z', agentVersion: '2.0.14' },
    },
  ] as const;

  for (const row of rows) {
    it(`${row.title}: step kinds in order`, () => {
      assert.deepEqual(parsed.get(row.id)?.steps.map((s) => s.kind), row.kinds);
    });
    it(`${row.title}: tool names, all completed`, () => {
      const tools = toolSteps(parsed.get(row.id)?.steps ?? []);
      assert.deepEqual(tools.map((t) => t.tool.name), row.tools);
      assert.deepEqual(new Set(tools.map((t) => t.tool.status)), new Set(['ok']));
    });
    it(`${row.title}: tokens per model call, counted once`, () => {
      assert.deepEqual(totals(parsed.get(row.id)?.steps ?? []), row.usage);
      const steps = parsed.get(row.id)?.steps ?? [];
      assert.ok(steps.every((s) => s.kind === 'prompt' || s.model === 'big-pickle'));
      // OpenCode recorded a cost of 0 (a free model): no costUSD, so it is priced from tokens.
      assert.ok(steps.every((s) => s.costUSD === undefined));
    });
    it(`${row.title}: session facts and the idle row skipped`, () => {
      const result = parsed.get(row.id);
      assert.equal(result?.session.id, row.id);
      assert.equal(result?.session.agent, 'opencode');
      assert.equal(result?.session.cwd, FIXTURE_DIRECTORY);
      assert.equal(result?.session.title, row.session.title);
      assert.equal(result?.session.startedAt, row.session.startedAt);
      assert.equal(result?.session.agentVersion, row.session.agentVersion);
      assert.deepEqual(result?.stats.skipped, { idle: 1 });
      assert.equal(result?.stats.badLines, 0);
    });
  }

  it('keeps the edit tool’s reported patch, with repository-relative paths', () => {
    const edit = toolSteps(parsed.get(PARAMS_SESSION)?.steps ?? []).find((t) => t.tool.name === 'edit');
    assert.deepEqual(edit?.tool.input, { newString: 'Bye', oldString: 'Goodbye', path: 'farewell.py', replaceAll: true });
    assert.equal(edit?.patches?.length, 1);
    const patch = edit?.patches?.[0];
    assert.equal(patch?.path, 'farewell.py');
    assert.equal(patch?.origin, 'reported');
    assert.equal(patch?.op, 'modify');
    assert.ok(patch?.diff.startsWith('--- a/farewell.py\n+++ b/farewell.py\n@@ -1,6 +1,6 @@\n'), patch?.diff);
    assert.ok(patch?.diff.includes('\n-    return "Goodbye, " + name\n+    return "Bye, " + name\n'));
  });

  it('keeps the shell’s exit code and both of its result texts', () => {
    const shell = toolSteps(parsed.get(PARAMS_SESSION)?.steps ?? []).find((t) => t.tool.name === 'shell');
    assert.equal(shell?.tool.exitCode, 0);
    assert.equal(shell?.tool.output, '/Users/dev/oc-tools/sub\n\nCommand exited with code 0.');
    assert.equal(shell?.tool.callId, 'call_2ae71d8dd2994e63b9f74519');
  });

  it('records the files a read tool read', () => {
    const reads = toolSteps(parsed.get(PARAMS_SESSION)?.steps ?? []).flatMap((t) => t.tool.reads ?? []);
    assert.deepEqual(reads, ['hello.py', 'farewell.py', 'sub', 'sub/data.txt', 'hello.py', 'farewell.py']);
  });

  it('keeps the prompt text and the answer the question tool got', () => {
    const steps = parsed.get(QUESTION_SESSION)?.steps ?? [];
    assert.equal(steps[0]?.kind === 'prompt' ? steps[0].text : '', 'Use your question tool to ask me which color I prefer: red, green or blue. Then tell me what I picked.');
    assert.match(toolSteps(steps)[0]?.tool.output ?? '', /"Which color do you prefer\?"="Green"/);
  });

  it('gives the same steps on a second read (ids from the rows)', async () => {
    const again = await openCodeAdapter.parse(`${db.path}#${QUESTION_SESSION}`, { repoRoot: FIXTURE_DIRECTORY, warn: () => undefined });
    assert.deepEqual(again.steps, parsed.get(QUESTION_SESSION)?.steps);
  });
});
