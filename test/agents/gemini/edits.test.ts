// Steps from the synthetic legacy session fixtures/gemini/edits.json: every kind of edit, tool
// statuses, exit codes, reads, subagent tool calls, skipped message kinds, usage.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseHunks } from '../../../lib/agents/gemini/patches.js';
import type { Step, ToolStep } from '../../../lib/model/step.js';
import { validateStep } from '../../../lib/model/validate.js';
import { tempRepo } from '../../helpers/repo.js';
import { GEMINI_FIXTURES, parseWith, stepsOfKind } from './support.js';

const FILE = join(GEMINI_FIXTURES, 'edits.json');
const ROOT = '/work/synthetic-repo';

async function steps(repoRoot: string | null = ROOT): Promise<readonly Step[]> {
  return (await parseWith(FILE, repoRoot)).result.steps;
}

function tool(all: readonly Step[], id: string): ToolStep {
  const found = stepsOfKind(all, 'tool').find((s) => s.id === id);
  assert.ok(found, `no tool step ${id}`);
  return found;
}

/** The original text of src/app.ts, as the fixture's FileDiff records it. */
function originalApp(): string {
  const doc = JSON.parse(readFileSync(FILE, 'utf8')) as { messages: Array<{ toolCalls?: Array<{ id: string; resultDisplay?: { originalContent?: string } }> }> };
  const call = doc.messages.flatMap((m) => m.toolCalls ?? []).find((c) => c.id === 'replace-1');
  const text = call?.resultDisplay?.originalContent;
  assert.equal(typeof text, 'string');
  return text as string;
}

describe('gemini edits (synthetic legacy session)', () => {
  it('parses without warnings into valid steps with unique ids', async () => {
    const { result, warnings } = await parseWith(FILE, ROOT);
    assert.deepEqual(warnings, []);
    for (const step of result.steps) assert.ok(validateStep(JSON.parse(JSON.stringify(step))).ok, step.id);
    const ids = result.steps.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(result.session.title, 'SYNTHETIC fixture for git-trace tests: edits of every kind');
  });

  it('keeps the FileDiff hunks under repository-relative headers, and git applies them', async () => {
    const all = await steps();
    const modify = tool(all, 'replace-1').patches?.[0];
    const add = tool(all, 'write-1').patches?.[0];
    assert.equal(modify?.op, 'modify');
    assert.match(modify?.diff ?? '', /^--- a\/src\/app\.ts\n\+\+\+ b\/src\/app\.ts\n@@ -1,4 \+1,4 @@\n-export function greet/);
    assert.equal(add?.op, 'add');
    assert.match(add?.diff ?? '', /^--- \/dev\/null\n\+\+\+ b\/docs\/new\.md\n@@ -0,0 \+1,3 @@\n\+# New\n/);
    const repo = tempRepo({ 'src/app.ts': originalApp() });
    try {
      for (const [name, patch] of [['modify.diff', modify], ['add.diff', add]] as const) {
        writeFileSync(join(repo.dir, name), patch?.diff ?? '');
        repo.git('apply', '--check', name);
      }
    } finally {
      repo.cleanup();
    }
  });

  it('builds a snippet diff from the args when the call has no FileDiff, resolving the path through the output', async () => {
    const patch = tool(await steps(), 'replace-2').patches?.[0];
    assert.equal(patch?.path, 'src/util.ts');
    assert.match(patch?.diff ?? '', /\n-const a = 1;\n/);
    assert.match(patch?.diff ?? '', /\n\+const a = 2;\n/);
  });

  it('drops an edit outside the repository and counts it', async () => {
    const { result } = await parseWith(FILE, ROOT);
    assert.equal(tool(result.steps, 'write-2').patches, undefined);
    assert.equal(result.stats.skipped['edit/outside-repository'], 1);
  });

  it('keeps paths as written, minus the leading slash, without a repository root', async () => {
    const all = await steps(null);
    assert.equal(tool(all, 'replace-1').patches?.[0]?.path, 'work/synthetic-repo/src/app.ts');
    assert.equal(tool(all, 'replace-2').patches?.[0]?.path, 'src/util.ts');
  });

  it('reports no patch for a failed edit', async () => {
    const failed = tool(await steps(), 'replace-3');
    assert.equal(failed.patches, undefined);
    assert.equal(failed.tool.status, 'error');
    assert.match(failed.tool.output ?? '', /0 occurrences/);
  });

  const statuses: ReadonlyArray<readonly [string, string, number | undefined]> = [
    ['shell-1', 'ok', 2],
    ['shell-2', 'interrupted', undefined],
    ['shell-3', 'pending', undefined],
    ['read-1', 'ok', undefined],
  ];
  for (const [id, status, exitCode] of statuses) {
    it(`maps ${id} to status ${status}${exitCode === undefined ? '' : ` and exit code ${exitCode}`}`, async () => {
      const step = tool(await steps(), id);
      assert.equal(step.tool.status, status);
      assert.equal(step.tool.exitCode, exitCode);
    });
  }

  it('records the files read, repository-relative', async () => {
    assert.deepEqual(tool(await steps(), 'read-1').tool.reads, ['src/app.ts']);
  });

  it("marks a subagent's tool call as a sidechain, and the main agent's not", async () => {
    const all = await steps();
    assert.deepEqual(tool(all, 'read-2').sidechain, { agentId: 'codebase_investigator-7f3a' });
    assert.equal(tool(all, 'shell-3').sidechain, undefined);
  });

  it('counts info, error and warning messages instead of making steps', async () => {
    const { result } = await parseWith(FILE, ROOT);
    assert.equal(result.stats.skipped['info'], 1);
    assert.equal(result.stats.skipped['error'], 1);
    assert.equal(result.stats.skipped['warning'], 1);
    assert.ok(!result.steps.some((s) => ['i1', 'e1', 'w1'].includes(s.id)));
  });

  it('takes the prompt from what the user typed and leaves thought parts out of the reply', async () => {
    const all = await steps();
    const prompt = stepsOfKind(all, 'prompt')[0];
    assert.equal(prompt?.text, 'Rename greet to hello in @src/app.ts');
    assert.equal(stepsOfKind(all, 'message').find((s) => s.id === 'g1')?.text, 'I will rename it and add docs.');
    assert.equal(stepsOfKind(all, 'reasoning')[0]?.text, 'Plan: Rename, then document.');
  });

  it('turns Gemini token counts into usage on the reply, tool-use tokens counted as input', async () => {
    const all = await steps();
    const reply = all.find((s) => s.id === 'g1' && s.kind === 'message');
    assert.deepEqual(reply?.usage, { inputTokens: 605, outputTokens: 70, cacheReadTokens: 400, cacheWriteTokens: 0, reasoningTokens: 20 });
    assert.equal(reply?.usageKey, 'g1');
    assert.equal(reply?.model, 'gemini-2.5-pro');
    assert.equal(all.filter((s) => s.usageKey === 'g1').length, 1);
  });

  it('keeps the usage of a reply that has nothing else on an empty message step', async () => {
    const empty = (await steps()).find((s) => s.id === 'g2');
    assert.equal(empty?.kind, 'message');
    assert.equal(empty?.usage?.inputTokens, 10);
  });
});

describe('gemini FileDiff hunk reading', () => {
  const rows: ReadonlyArray<{ readonly name: string; readonly diff: string; readonly hunks: number; readonly lines: readonly number[] }> = [
    { name: 'a jsdiff createPatch with a no-newline marker', diff: 'Index: f\n===\n--- f\tCurrent\n+++ f\tProposed\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n', hunks: 1, lines: [4] },
    { name: 'two hunks', diff: '--- f\n+++ f\n@@ -1 +1 @@\n-a\n+b\n@@ -10,2 +10,3 @@\n x\n+y\n z\n', hunks: 2, lines: [2, 3] },
    { name: 'a header only', diff: 'Index: f\n===\n--- f\tCurrent\n+++ f\tProposed\n', hunks: 0, lines: [] },
    { name: 'trailing text after the hunk', diff: '@@ -1 +1 @@\n-a\n+b\nnot part of it\n', hunks: 1, lines: [2] },
  ];
  for (const row of rows) {
    it(`reads ${row.name}`, () => {
      const hunks = parseHunks(row.diff);
      assert.equal(hunks.length, row.hunks);
      assert.deepEqual(hunks.map((h) => h.lines.length), row.lines);
    });
  }
});
