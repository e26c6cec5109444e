// blame pr --format github: a comment body within GitHub's 65,536 characters, whatever the range:
// a 200-commit range with 150 sessions of long prompts and many patches still fits, the largest
// sessions first, the rest counted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PrReport, PrSession } from '../../lib/trail/blame-pr.js';
import { GITHUB_COMMENT_LIMIT, renderPrGithub } from '../../lib/trail/pr-markdown.js';

function bigReport(): PrReport {
  const commits = Array.from({ length: 200 }, (_, i) => ({
    id: i.toString(16).padStart(40, '0'),
    subject: `change ${i}: ${'word '.repeat(10)}`,
    message: `change ${i}\n\n${'A long explanation. '.repeat(30)}`,
    author: 'Dev',
    addedLines: 50,
    agentLines: 40,
    steps: [{ session: `s-${i % 150}`, step: i }],
  }));
  const sessions: PrSession[] = Array.from({ length: 150 }, (_, s) => ({
    id: `s-${s}`,
    agent: 'claude-code',
    title: `session ${s}`,
    models: ['claude-sonnet-4-5'],
    intent: Array.from({ length: 5 }, (_, p) => ({ step: p, text: `${'do the thing carefully. '.repeat(12)}`.trim() })),
    lineage: Array.from({ length: 40 }, (_, p) => ({ step: p, stepId: `x${p}`, tool: 'Edit', path: `src/module-${s}/file-${p}.ts`, lines: s + 1, commits: [commits[(s + p) % 200]?.id ?? ''] })),
    evidence: { commands: Array.from({ length: 30 }, (_, c) => ({ step: c, tool: 'Bash', command: `npm test -- --grep case-${c}`, exitCode: c % 3 === 0 ? 1 : 0, status: 'ok' })), filesRead: Array.from({ length: 40 }, (_, f) => `src/read-${f}.ts`) },
  }));
  return {
    version: 1,
    base: { ref: 'main', commit: 'b'.repeat(40) },
    head: { ref: 'feature', commit: 'c'.repeat(40) },
    commits,
    sessions,
    diff: { stat: '', files: Array.from({ length: 300 }, (_, f) => ({ path: `src/file-${f}.ts`, added: f, removed: 1 })) },
  };
}

test('a 200-commit range of 150 sessions fits in one comment; the largest sessions come first; the rest are counted', () => {
  const body = renderPrGithub(bigReport());
  assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
  assert.ok(body.length > GITHUB_COMMENT_LIMIT / 2, 'it uses the room it has');
  assert.match(body, /^\*\*8000 of 10000 added lines from 150 agent sessions\*\* \(claude-code, claude-sonnet-4-5\)\n/);
  const shown = [...body.matchAll(/<summary>claude-code session <code>(s-\d+)<\/code>/g)].map((m) => m[1]);
  assert.equal(shown[0], 's-149', 'the session with the most lines first');
  assert.ok(shown.length > 3 && shown.length < 150, `${shown.length} shown`);
  assert.match(body, new RegExp(`… ${150 - shown.length} more sessions \\(\\d+ lines\\) not shown here: \`git trace blame pr\` prints them all\\.`));
  assert.match(body, /… 250 more files\./);
  assert.match(body, /- … 20 more patches/);
  assert.equal((body.match(/<details>/g) ?? []).length, (body.match(/<\/details>/g) ?? []).length, 'every section closed');
});

test('the same report gives the same bytes; a small one is shown whole', () => {
  const report = bigReport();
  assert.equal(renderPrGithub(report), renderPrGithub(report));
  const small = { ...report, sessions: report.sessions.slice(0, 2) };
  const body = renderPrGithub(small);
  assert.doesNotMatch(body, /more sessions/);
  assert.equal((body.match(/<summary>claude-code session/g) ?? []).length, 2);
});
