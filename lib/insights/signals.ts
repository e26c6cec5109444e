// The signals of `git trace insights` over one session's steps, each with the steps that show it:
// failures and what followed, loops, re-steers, context waste (unused large outputs, re-reads,
// compactions). The thresholds and word lists are insight-rules.ts's; this file only walks.
// Patches later undone come from track (insights.ts), not from the steps.

import { isRecord } from '../model/json.js';
import type { IndexedStep, Step } from '../model/step.js';
import { errorLine, isFailedTool, shellCommand } from '../ctx/tool-facts.js';
import { effectivePatches } from '../replay/trail.js';
import { stepFacts } from './audit-rules.js';
import {
  callKind,
  distinctiveLines,
  lineUsed,
  LOOP_MIN_CALLS,
  LOOP_MIN_EDITS,
  READ_TOOLS,
  RESTEER_OPENING,
  resultDigest,
  UNUSED_OUTPUT_MIN_BYTES,
  type FailureOutcome,
  type SignalKind,
} from './insight-rules.js';

interface SignalBase {
  readonly kind: SignalKind;
  /** Where it happened: the first failure, the first repeat, the correcting prompt… */
  readonly step: number;
  /** Every step that shows it, in order. */
  readonly steps: readonly number[];
  readonly summary: string;
}

export type Signal =
  | (SignalBase & { readonly kind: 'failure'; readonly outcome: FailureOutcome; readonly call: string; readonly error: string | null })
  | (SignalBase & { readonly kind: 'loop'; readonly what: 'call' | 'edit'; readonly call: string; readonly times: number })
  | (SignalBase & { readonly kind: 're-steer'; readonly how: 'interrupt' | 'correction'; readonly text: string | null })
  | (SignalBase & { readonly kind: 'unused-output'; readonly bytes: number; readonly call: string })
  | (SignalBase & { readonly kind: 're-read'; readonly path: string })
  | (SignalBase & { readonly kind: 'compaction'; readonly tokens: number | null; readonly trigger: string | null })
  | (SignalBase & { readonly kind: 'patch-undone'; readonly path: string; readonly state: string });

/** Where a session ran: absolute paths under these are shown repository-relative. */
export interface Roots {
  readonly workTree: string | null;
  readonly cwd: string | null;
}

type ToolStep = Extract<IndexedStep, { readonly kind: 'tool' }>;

/** Every signal the steps show, ordered by step, then kind. */
export function stepSignals(steps: readonly IndexedStep[], roots: Roots): Signal[] {
  const calls = steps.filter((s): s is ToolStep => s.kind === 'tool').map((s) => toolCall(s, roots));
  const signals = [...failures(calls), ...loops(calls), ...editLoops(steps), ...resteers(steps), ...unusedOutputs(steps, calls), ...rereads(calls), ...compactions(steps)];
  return signals.sort((a, b) => a.step - b.step || a.kind.localeCompare(b.kind));
}

/** A tool step with what the signals need, worked out once. */
interface Call {
  readonly step: ToolStep;
  readonly failed: boolean;
  /** For a failure's outcome: see callKind. */
  readonly kind: string;
  /** For loops: the exact call (command, or tool and input). */
  readonly exact: string;
  /** How it is shown: the command, or the tool and its file. */
  readonly label: string;
  readonly reads: readonly string[];
  readonly written: readonly string[];
}

function toolCall(tool: ToolStep, roots: Roots): Call {
  const facts = stepFacts(tool, roots.workTree);
  const command = shellCommand(tool);
  const written = facts.written.map((p) => relative(p, roots));
  const read = READ_TOOLS.has(tool.tool.name) || (tool.tool.reads ?? []).length > 0;
  const reads = read ? facts.files.map((p) => relative(p, roots)).filter((p) => !written.includes(p)) : [];
  const path = facts.files.length > 0 ? relative(facts.files[0] as string, roots) : null;
  const label = command ?? (path === null ? tool.tool.name : `${tool.tool.name} ${path}`);
  return {
    step: tool,
    failed: isFailedTool(tool),
    kind: callKind(tool.tool.name, command, path),
    exact: command !== null ? command.replace(/\s+/g, ' ').trim() : `${tool.tool.name} ${JSON.stringify(tool.tool.input ?? null)}`,
    label,
    reads: reads.map((p) => `${p}${command === null ? rangeOf(tool.tool.input) : ` (${command.replace(/\s+/g, ' ').trim()})`}`),
    written,
  };
}

function relative(path: string, roots: Roots): string {
  for (const root of [roots.workTree, roots.cwd]) if (root !== null && path.startsWith(`${root}/`)) return path.slice(root.length + 1);
  return path;
}

/** A partial read's range (offset and limit), so reading two parts of a file is not a re-read. A shell read is keyed by its command (`sed -n '1,260p' f`) for the same reason. */
function rangeOf(input: unknown): string {
  if (!isRecord(input)) return '';
  const parts = ['offset', 'limit', 'view_range'].filter((k) => input[k] !== undefined).map((k) => `${k}=${JSON.stringify(input[k])}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function failures(calls: readonly Call[]): Signal[] {
  const out: Signal[] = [];
  const chained = new Set<number>();
  calls.forEach((call, i) => {
    if (!call.failed || chained.has(call.step.index)) return;
    const chain = [call.step.index];
    let fixedAt: number | null = null;
    for (const later of calls.slice(i + 1)) {
      if (later.kind !== call.kind) continue;
      chain.push(later.step.index);
      if (!later.failed) {
        fixedAt = later.step.index;
        break;
      }
      chained.add(later.step.index);
    }
    const outcome: FailureOutcome = fixedAt !== null ? 'fixed' : chain.length > 1 ? 'retried' : 'abandoned';
    const how = call.step.tool.exitCode !== undefined ? `exit ${call.step.tool.exitCode}` : 'error';
    const then = outcome === 'fixed' ? `fixed at #${fixedAt}` : outcome === 'retried' ? `retried ${chain.length - 1}×, never passed` : 'abandoned';
    out.push({ kind: 'failure', step: call.step.index, steps: chain, summary: `${call.label} failed (${how}), ${then}`, outcome, call: call.kind, error: errorLine(call.step.tool.output ?? '') });
  });
  return out;
}

function loops(calls: readonly Call[]): Signal[] {
  const groups = new Map<string, Call[]>();
  for (const call of calls) {
    if (!call.failed) continue;
    const key = `${call.exact}\n${resultDigest(call.step.tool.exitCode, call.step.tool.output ?? '')}`;
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  return [...groups.values()]
    .filter((group) => group.length >= LOOP_MIN_CALLS)
    .map((group) => {
      const first = group[0] as Call;
      return { kind: 'loop', what: 'call', step: first.step.index, steps: group.map((c) => c.step.index), call: first.exact, times: group.length, summary: `${first.label} run ${group.length}× with the same failing result` };
    });
}

function editLoops(steps: readonly IndexedStep[]): Signal[] {
  const groups = new Map<string, { path: string; steps: number[] }>();
  for (const step of steps) {
    for (const patch of effectivePatches(step)) {
      const body = patch.diff.replace(/^--- .*\n\+\+\+ .*\n/, '');
      const key = `${patch.path}\n${body}`;
      const group = groups.get(key) ?? { path: patch.path, steps: [] };
      if (!group.steps.includes(step.index)) group.steps.push(step.index);
      groups.set(key, group);
    }
  }
  return [...groups.values()]
    .filter((g) => g.steps.length >= LOOP_MIN_EDITS)
    .map((g) => ({ kind: 'loop', what: 'edit', step: g.steps[1] as number, steps: g.steps, call: g.path, times: g.steps.length, summary: `the same edit to ${g.path} applied ${g.steps.length}×` }));
}

function resteers(steps: readonly IndexedStep[]): Signal[] {
  const out: Signal[] = [];
  let lastTool: number | null = null;
  // One interruption stops every call still running: a run of interrupted calls counts once.
  let interrupted: IndexedStep[] = [];
  const closeInterruption = (): void => {
    const [first] = interrupted;
    if (first === undefined) return;
    const names = [...new Set(interrupted.map((s) => (s.kind === 'tool' ? s.tool.name : s.kind)))].join(', ');
    const what = interrupted.length === 1 ? names : `${interrupted.length} calls (${names})`;
    out.push({ kind: 're-steer', how: 'interrupt', step: first.index, steps: interrupted.map((s) => s.index), text: null, summary: `the person interrupted ${what}` });
    interrupted = [];
  };
  for (const step of steps) {
    if (step.kind === 'tool' && step.tool.status === 'interrupted') {
      interrupted.push(step);
      lastTool = step.index;
      continue;
    }
    closeInterruption();
    if (step.kind === 'tool') lastTool = step.index;
    else if (step.kind === 'prompt' && step.sidechain === undefined) {
      if (lastTool !== null && RESTEER_OPENING.test(step.text)) {
        const text = (step.text.trim().split('\n')[0] ?? '').slice(0, 120);
        out.push({ kind: 're-steer', how: 'correction', step: step.index, steps: [lastTool, step.index], text, summary: `corrected after #${lastTool}: "${text}"` });
      }
      lastTool = null;
    }
  }
  closeInterruption();
  return out;
}

/** What a step shows of having used earlier output: its text, its tool input's strings, its patches. Not tool output. */
function usedText(step: Step): string {
  const parts: string[] = [];
  switch (step.kind) {
    case 'tool':
      collectStrings(step.tool.input, parts);
      break;
    case 'prompt':
    case 'message':
    case 'reasoning':
      parts.push(step.text);
      break;
    case 'compaction':
    case 'subagent':
      parts.push(step.text ?? '');
      break;
  }
  for (const patch of step.patches ?? []) parts.push(patch.diff);
  return parts.join('\n').replace(/\s+/g, ' ');
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (isRecord(value)) for (const v of Object.values(value)) collectStrings(v, into);
}

function unusedOutputs(steps: readonly IndexedStep[], calls: readonly Call[]): Signal[] {
  const out: Signal[] = [];
  let used: string[] | null = null;
  for (const call of calls) {
    const output = call.step.tool.output ?? '';
    const bytes = Buffer.byteLength(output, 'utf8') + (call.step.tool.truncated?.bytes ?? 0);
    if (bytes < UNUSED_OUTPUT_MIN_BYTES) continue;
    used ??= steps.map(usedText);
    const position = steps.indexOf(call.step);
    const later = used.slice(position + 1).join('\n');
    const lines = distinctiveLines(output);
    if (lines.some((line) => lineUsed(line, later))) continue;
    out.push({ kind: 'unused-output', step: call.step.index, steps: [call.step.index], bytes, call: call.label, summary: `${call.label}: ${Math.round(bytes / 1024)} KiB of output, none of it used later` });
  }
  return out;
}

function rereads(calls: readonly Call[]): Signal[] {
  const out: Signal[] = [];
  const lastRead = new Map<string, number>();
  for (const call of calls) {
    for (const path of call.written) for (const key of [...lastRead.keys()]) if (key === path || key.startsWith(`${path} (`)) lastRead.delete(key);
    if (call.failed) continue;
    for (const key of call.reads) {
      const before = lastRead.get(key);
      if (before !== undefined) out.push({ kind: 're-read', step: call.step.index, steps: [before, call.step.index], path: key, summary: `${key} read again, unchanged since #${before}` });
      lastRead.set(key, call.step.index);
    }
  }
  return out;
}

function compactions(steps: readonly IndexedStep[]): Signal[] {
  return steps
    .filter((s): s is Extract<IndexedStep, { readonly kind: 'compaction' }> => s.kind === 'compaction')
    .map((s) => ({
      kind: 'compaction',
      step: s.index,
      steps: [s.index],
      tokens: s.tokensBefore ?? null,
      trigger: s.trigger ?? null,
      summary: `context compacted${s.trigger === undefined ? '' : ` (${s.trigger})`}${s.tokensBefore === undefined ? '' : ` from ${s.tokensBefore} tokens`}`,
    }));
}
