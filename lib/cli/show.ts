// git trace show ID [--step N]: a session's metadata and timeline, or one step in full.

import { UsageError, NotFoundError } from '../errors.js';
import type { IndexedStep, Step } from '../model/step.js';
import { isRecord } from '../model/json.js';
import { resolveSessionId, summarize } from '../store/queries.js';
import { sessionTrust, trustContext, type SessionTrust } from '../store/trust.js';
import type { StoredSession } from '../store/session-store.js';
import { parseCommand } from './args.js';
import { addedLines, removedLines } from '../model/patch.js';
import { aggregateCost } from '../analysis/cost.js';
import { usd } from './cost.js';
import { contextAt, type StepContext } from '../ctx/window.js';
import { formatDuration, formatTime, oneLine, plural } from './format.js';
import { out, outJson, paint, warn, type Style } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace show [--step N [--ctx]] [--json] ID

Show a session's metadata and its timeline of steps; with --step, one step in full
(its text, tool input and output, and the patches it produced).
ID may be a unique prefix of at least 4 characters.

    --step N   show step N in full
    --ctx      with --step: what the model could see at step N (system prompt and
               instructions when recorded, the messages in its window since the last
               compaction, the files its tools read)
    --json     print as JSON: {session, steps}, {session, step} with --step, or
               {session, ctx} with --ctx; session.trust says who signed it

A session not signed by a recipient of this repository is marked untrusted (a warning on
stderr, and trust.state "untrusted" in --json): anyone can encrypt to public keys, so its
text may be forged.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { step: { type: 'string' }, ctx: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [idArg, ...extra] = args.positionals;
  if (idArg === undefined || extra.length > 0) throw new UsageError('show takes one session ID', { hint: 'usage: git trace show [--step N] [--json] ID' });
  const stepIndex = args.values.step === undefined ? undefined : Number(args.values.step);
  if (stepIndex !== undefined && (!Number.isInteger(stepIndex) || stepIndex < 0)) throw new UsageError(`--step needs a step number, not '${args.values.step}'`);
  if (args.values.ctx === true && stepIndex === undefined) throw new UsageError('--ctx needs --step N', { hint: 'usage: git trace show --step N --ctx ID' });
  const repo = await context.repo();
  const id = await resolveSessionId(repo, idArg);
  const session = await repo.sessions.read(id);
  const trust = await sessionTrust(repo.git, await trustContext(repo.git), id, session.tip);
  if (trust.state === 'untrusted') warn(`session '${id}' is untrusted: not signed by a recipient (${trust.problems[0] ?? ''}); its text may be forged`);
  const summary = { version: 1, ...summarize(session.meta.session, session.meta.stepCount), ...sessionExtras(session), trust };
  if (stepIndex !== undefined) {
    const step = session.steps[stepIndex];
    if (step === undefined) throw new NotFoundError(`session '${id}' has no step ${stepIndex}`, { hint: `its steps are numbered 0 to ${session.steps.length - 1}` });
    if (args.values.ctx === true) {
      const ctx = contextAt(session.steps, await repo.sessions.readContext(id, session.tip), stepIndex);
      if (args.values.json === true) outJson({ version: 1, session: summary, ctx });
      else out(renderContext(ctx));
      return 0;
    }
    if (args.values.json === true) outJson({ version: 1, session: summary, step });
    else out(renderStep(step));
    return 0;
  }
  if (args.values.json === true) outJson({ version: 1, session: summary, steps: session.steps });
  else out(renderSession(session, trust));
  return 0;
}

function sessionExtras(session: StoredSession): Record<string, unknown> {
  const m = session.meta.session;
  return { baseCommit: m.baseCommit ?? null, baseInferred: m.baseInferred ?? null, agentVersion: m.agentVersion ?? null, redactions: m.redactions ?? {} };
}

const KIND_STYLE: Readonly<Record<Step['kind'], Style>> = {
  prompt: 'green',
  message: 'cyan',
  reasoning: 'dim',
  tool: 'yellow',
  compaction: 'magenta',
  subagent: 'magenta',
};

export function renderSession(session: StoredSession, trust?: SessionTrust): string {
  const m = session.meta.session;
  const s = summarize(m, session.meta.stepCount);
  const lines = [
    `${paint('bold', `session ${m.id}`)}`,
    `Agent:    ${m.agent}${m.agentVersion === undefined ? '' : ` ${m.agentVersion}`}`,
    `Started:  ${formatTime(m.startedAt)} (${formatDuration(s.durationMs)})`,
  ];
  if (m.title !== undefined) lines.push(`Title:    ${m.title}`);
  if (m.cwd !== undefined) lines.push(`Cwd:      ${m.cwd}${m.gitBranch === undefined ? '' : ` (branch ${m.gitBranch})`}`);
  if (m.baseCommit !== undefined) lines.push(`Base:     ${m.baseCommit}${m.baseInferred === undefined ? '' : ` (inferred from ${m.baseInferred === 'reflog' ? 'the HEAD reflog' : 'commit dates'})`}`);
  if (trust !== undefined) lines.push(`Signed:   ${renderTrust(trust)}`);
  const redacted = Object.entries(m.redactions ?? {});
  if (redacted.length > 0) lines.push(`Redacted: ${redacted.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const cost = aggregateCost([{ session: { id: m.id, agent: m.agent }, steps: session.steps }], 'model', { rules: 'ccusage' });
  if (cost.totals.responses > 0) {
    const t = cost.totals;
    lines.push(`Tokens:   ${t.inputTokens} in, ${t.outputTokens} out, ${t.cacheReadTokens} cache read, ${t.cacheWriteTokens} cache write`);
    lines.push(`Cost:     ${usd(t.costUSD)} (${cost.rows.map((r) => r.key).join(', ')})${t.unpricedModels.length > 0 ? `; no price for ${t.unpricedModels.join(', ')}` : ''}`);
  }
  lines.push(`Steps:    ${session.steps.length}`, '');
  for (const step of session.steps) lines.push(timelineLine(step));
  return lines.join('\n');
}

function renderTrust(trust: SessionTrust): string {
  switch (trust.state) {
    case 'trusted':
      return `by ${trust.signers.join(', ')}`;
    case 'unsigned-before-signing':
      return `unsigned (written before signing)${trust.signers.length > 0 ? `, then by ${trust.signers.join(', ')}` : ''}`;
    case 'untrusted':
      return paint('red', 'UNTRUSTED: not signed by a recipient');
  }
}

function timelineLine(step: IndexedStep): string {
  const index = `#${step.index}`.padStart(5);
  const time = step.timestamp === null ? '     ' : step.timestamp.slice(11, 16);
  const kind = paint(KIND_STYLE[step.kind], step.kind.padEnd(10));
  const side = step.sidechain === undefined ? '' : paint('dim', `[${step.sidechain.agentId}] `);
  return `${index}  ${time}  ${kind} ${side}${stepSummary(step)}`;
}

export function stepSummary(step: Step): string {
  switch (step.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      return oneLine(step.text, 100);
    case 'tool': {
      const t = step.tool;
      const result = t.status === 'pending' ? 'pending' : t.exitCode !== undefined ? `exit ${t.exitCode}` : t.status;
      const patches = step.patches === undefined ? '' : ` ${patchStat(step)}`;
      return `${t.name} ${oneLine(toolInputSummary(t.input), 70)} → ${result}${patches}`;
    }
    case 'compaction':
      return `compacted${step.trigger === undefined ? '' : ` (${step.trigger})`}${step.text === undefined ? '' : `: ${oneLine(step.text, 80)}`}`;
    case 'subagent':
      return `subagent ${step.agentId}${step.text === undefined ? '' : `: ${oneLine(step.text, 80)}`}`;
  }
}

/** The part of a tool's input a reader recognises: the command, the path, the pattern. */
export function toolInputSummary(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!isRecord(input)) return JSON.stringify(input) ?? '';
  for (const key of ['command', 'cmd', 'file_path', 'path', 'filePath', 'pattern', 'query', 'url', 'description', 'prompt']) {
    const value = input[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  }
  return JSON.stringify(input);
}

function patchStat(step: Step): string {
  // A step live capture watched has observed patches beside the agent's reported ones: count
  // what really changed, once per file.
  const all = step.patches ?? [];
  const observed = all.filter((p) => p.origin === 'observed');
  const patches = observed.length > 0 ? observed : all;
  let added = 0;
  let removed = 0;
  for (const p of patches) {
    added += addedLines(p.diff).length;
    removed += removedLines(p.diff).length;
  }
  return `(${plural(new Set(patches.map((p) => p.path)).size, 'file')} +${added} -${removed})`;
}

export function renderStep(step: IndexedStep): string {
  const lines = [paint('bold', `step #${step.index}  ${step.kind}`), `Id:       ${step.id}`, `Time:     ${step.timestamp ?? '-'}`];
  if (step.model !== undefined) lines.push(`Model:    ${step.model}`);
  if (step.usage !== undefined) {
    const u = step.usage;
    lines.push(`Tokens:   ${u.inputTokens} in, ${u.outputTokens} out, ${u.cacheReadTokens} cache read, ${u.cacheWriteTokens} cache write`);
  }
  if (step.sidechain !== undefined) lines.push(`Subagent: ${step.sidechain.agentId}`);
  lines.push('');
  switch (step.kind) {
    case 'prompt':
    case 'message':
    case 'reasoning':
      lines.push(step.text);
      break;
    case 'tool':
      lines.push(`Tool:     ${step.tool.name}${step.tool.callId === undefined ? '' : ` (${step.tool.callId})`}`);
      lines.push(`Status:   ${step.tool.status}${step.tool.exitCode === undefined ? '' : `, exit ${step.tool.exitCode}`}`);
      lines.push('Input:', indent(typeof step.tool.input === 'string' ? step.tool.input : JSON.stringify(step.tool.input, null, 2)));
      if (step.tool.output !== undefined) lines.push('Output:', indent(step.tool.output));
      break;
    case 'compaction':
      lines.push(`Compaction${step.trigger === undefined ? '' : ` (${step.trigger})`}${step.tokensBefore === undefined ? '' : `, ${step.tokensBefore} tokens before`}`);
      if (step.text !== undefined) lines.push(step.text);
      break;
    case 'subagent':
      lines.push(`Subagent ${step.agentId}${step.parentCallId === undefined ? '' : ` started by ${step.parentCallId}`}`);
      if (step.text !== undefined) lines.push(step.text);
      break;
  }
  for (const patch of step.patches ?? []) {
    lines.push('', paint('bold', `patch ${patch.path} (${patch.origin}${patch.mismatch === true ? ', differs from the agent report' : ''})`), patch.diff.trimEnd());
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

export function renderContext(ctx: StepContext): string {
  const lines = [paint('bold', `ctx of step #${ctx.step}`)];
  for (const item of ctx.items) lines.push('', paint('bold', `== ${item.kind} ==`), item.text.trimEnd());
  const from = ctx.windowStart === 0 ? 'the start' : `the compaction at #${ctx.windowStart}`;
  lines.push('', paint('bold', `== window: ${plural(ctx.window.length, 'step')} since ${from} ==`));
  for (const step of ctx.window) lines.push(`#${step.index} ${step.kind}: ${contextLine(step)}`);
  if (ctx.filesRead.length > 0) {
    lines.push('', paint('bold', '== files read =='));
    for (const f of ctx.filesRead) lines.push(`${f.path} (#${f.step})`);
  }
  return lines.join('\n');
}

function contextLine(step: Step): string {
  if (step.kind === 'prompt' || step.kind === 'message' || step.kind === 'reasoning') return step.text;
  if (step.kind !== 'tool') return stepSummary(step);
  const input = typeof step.tool.input === 'string' ? step.tool.input : JSON.stringify(step.tool.input);
  return `${step.tool.name} ${input}\n${indent(step.tool.output ?? '(no result)')}`;
}
