// git trace compare A B: two sessions side by side (steps, tools, failures, tokens, cost, wall
// time, files, survival) and the difference between their end states, from A to B. See
// lib/analysis/compare.ts for how the end states are found.

import { UsageError } from '../errors.js';
import { compareSessions, type CompareResult, type SessionSide } from '../analysis/compare.js';
import { parseCommand } from './args.js';
import type { CommandContext } from './commands.js';
import { formatDuration, oneLine, table } from './format.js';
import { out, outJson, paint } from './output.js';
import { warnUntrusted } from './untrusted.js';

const HELP = `usage: git trace compare [--patch] [--json] A B

Two sessions side by side: steps, prompts, tool calls (per tool), failed calls, tokens, cost,
wall time, the files each changed (both, only A, only B), whether their patches survived at
HEAD (as track judges), and the difference between their end states, from A to B.

The end states are the work trees rebuilt from each session's base commit and trail in a
scratch worktree (never yours), diffed with git. When a session cannot be rebuilt (no base
commit, a base this clone lacks, a patch that does not apply), the lines each session's
patches added are compared instead, per file; the output says which and why.

    --patch   print the whole diff, not only its stat
    --json    print {version, a, b, files, endState}`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { patch: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [idA, idB, ...extra] = args.positionals;
  if (idA === undefined || idB === undefined || extra.length > 0) throw new UsageError('compare takes two session IDs', { hint: 'usage: git trace compare [--patch] [--json] A B' });
  const repo = await context.repo();
  const result = await compareSessions(repo, idA, idB, { patch: args.values.patch === true });
  await warnUntrusted(repo, [result.a.id, result.b.id]);
  if (args.values.json === true) outJson(result);
  else out(renderCompare(result));
  return 0;
}

function tokens(n: number): string {
  return n.toLocaleString('en-US');
}

function survival(s: SessionSide): string {
  if (!s.survival.judged) return 'not judged';
  const counts = Object.entries(s.survival.counts).filter(([, n]) => n > 0);
  return counts.length === 0 ? 'no patches' : counts.map(([k, n]) => `${n} ${k}`).join(', ');
}

export function renderCompare(r: CompareResult): string {
  const { a, b } = r;
  const toolNames = [...new Set([...Object.keys(a.tools), ...Object.keys(b.tools)])].sort();
  const row = (label: string, f: (s: SessionSide) => string): string[] => [label, f(a), f(b)];
  const rows = [
    ['', 'A', 'B'],
    row('session', (s) => s.id),
    row('agent', (s) => s.agent),
    row('title', (s) => oneLine(s.title ?? '-', 40)),
    row('models', (s) => s.models.join(', ') || '-'),
    row('steps', (s) => String(s.steps)),
    row('prompts', (s) => String(s.prompts)),
    row('tool calls', (s) => String(s.toolCalls)),
    ...toolNames.map((t) => row(`  ${t}`, (s) => String(s.tools[t] ?? 0))),
    row('failed calls', (s) => String(s.failures)),
    row('tokens in', (s) => tokens(s.tokens.input)),
    row('tokens out', (s) => tokens(s.tokens.output)),
    row('cache read', (s) => tokens(s.tokens.cacheRead)),
    row('cache write', (s) => tokens(s.tokens.cacheWrite)),
    row('tokens total', (s) => tokens(s.tokens.total)),
    row('cost', (s) => `$${s.costUSD.toFixed(4)}${s.unpricedModels.length > 0 ? ' (some unpriced)' : ''}`),
    row('wall time', (s) => formatDuration(s.wallMs)),
    row('files changed', (s) => String(s.files.length)),
    row('survival', survival),
  ];
  const lines = [table(rows), ''];
  lines.push(`files: ${r.files.both.length} both, ${r.files.onlyA.length} only A, ${r.files.onlyB.length} only B`);
  for (const [label, files] of [['both', r.files.both], ['only A', r.files.onlyA], ['only B', r.files.onlyB]] as const) if (files.length > 0) lines.push(`  ${label.padEnd(6)}  ${files.join(' ')}`);
  const e = r.endState;
  lines.push('', paint('bold', e.method === 'trees' ? 'end states (rebuilt work trees), A → B:' : `end states (the sessions' patches, not rebuilt trees: ${e.reason}), A → B:`));
  if (e.stat.length === 0) lines.push('  the same');
  else {
    const width = Math.max(...e.stat.map((s) => s.path.length));
    lines.push(...e.stat.map((s) => `  ${s.path.padEnd(width)} | +${s.added} -${s.removed}`));
    const added = e.stat.reduce((n, s) => n + s.added, 0);
    const removed = e.stat.reduce((n, s) => n + s.removed, 0);
    lines.push(`  ${e.stat.length} file${e.stat.length === 1 ? '' : 's'} differ, +${added} -${removed}`);
  }
  if (e.patch !== null && e.patch !== '') lines.push('', e.patch.replace(/\n$/, ''));
  return lines.join('\n');
}
