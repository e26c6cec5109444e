// Parsing one pi session file (v1, v2, v3) into normalized steps, incrementally.
//
// Rules:
// - Every entry becomes steps in file order, abandoned branches of the tree included (the file is
//   append-only; which entries are on the active path changes as the user moves in the tree).
// - Step ids come from the source: the entry id (v2+) or `<session id>:<line>` (v1, no ids),
//   plus `:<block index>` when an assistant message has several blocks; a tool step is
//   `<entry key>:<toolCall id>`, so a provider that reuses call ids across turns cannot collide.
// - A tool call is emitted at once: `pending` until its result arrives (then emitted again with the
//   same id), `interrupted` when its message was aborted or failed before pi ran the tools.
// - One model response's usage and USD cost go on its first step only, keyed by the entry.
// - Records that make no step are counted in `stats.skipped` by kind, metadata included
//   (`model_change`, `thinking_level_change`, `session_info`); bad lines are warned with file:line.

import type { JsonLine, LineWarning, ReadFrom } from '../lines.js';
import { eachJsonLine } from '../lines.js';
import { compact } from '../../model/json.js';
import type { SessionInfo } from '../../model/session.js';
import { STEP_VERSION, type CompactionStep, type Step, type ToolStep } from '../../model/step.js';
import type { ParseOptions, ParseResult } from '../types.js';
import { narrowEntry, type AssistantMessage, type EntryBase, type PiHeader, type ToolResult } from './entry.js';
import type { PatchContext } from './patches.js';
import { parentSessionId, safeSessionId, sessionIdFromFileName } from './session-id.js';
import { PI_STATE_VERSION, restoreState, type PiState } from './state.js';
import { bashExecutionStep, callStep, completeCall, orphanResultStep } from './tools.js';

interface Pending {
  readonly step: ToolStep;
  /** Where the step sits in this parse's output; absent when it was emitted by an earlier parse. */
  readonly index?: number;
}

export async function parsePiSession(file: string, options: ParseOptions): Promise<ParseResult> {
  const parse = new PiParse(file, options);
  const next = await eachJsonLine(file, options.from?.from, (warning) => parse.notJson(warning), (item) => parse.line(item));
  return parse.result(next);
}

class PiParse {
  private sessionId: string | undefined;
  private cwd: string | undefined;
  private parentSessionId: string | undefined;
  private title: string | undefined;
  private model: string | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly steps: Step[] = [];
  private readonly skipped: Record<string, number> = {};
  private lines = 0;
  private badLines = 0;
  private startedAt: string | null = null;
  private endedAt: string | null = null;

  constructor(
    private readonly file: string,
    private readonly options: ParseOptions,
  ) {
    const state = restoreState(options.from?.state);
    this.sessionId = state.sessionId;
    this.cwd = state.cwd;
    this.parentSessionId = state.parentSessionId;
    this.title = state.title;
    this.model = state.model;
    for (const [callId, step] of Object.entries(state.pending)) this.pending.set(callId, { step });
  }

  notJson(warning: LineWarning): void {
    this.lines += 1;
    this.badLines += 1;
    this.options.warn(warning);
  }

  line(json: JsonLine): void {
    this.lines += 1;
    const issues: string[] = [];
    const entry = narrowEntry(json.value, issues);
    if (entry.kind === 'header') {
      this.header(entry.header, json.line);
      return;
    }
    if (this.sessionId === undefined) this.sessionId = sessionIdFromFileName(this.file);
    if (entry.kind === 'bad') {
      this.bad(json.line, entry.reason);
      return;
    }
    if (issues.length > 0) this.bad(json.line, issues.join('; '));
    const base = entry.base;
    this.seen(base.timestamp);
    // An empty id is no id: fall back to the line, as for v1 entries.
    const key = base.id !== undefined && base.id !== '' ? base.id : `${this.sessionId}:${json.line}`;
    switch (entry.kind) {
      case 'user':
        this.count('content/image', entry.images);
        this.push(textStep('prompt', key, base, entry.text, {}));
        return;
      case 'assistant':
        this.assistant(key, base, entry.message);
        return;
      case 'tool-result':
        this.toolResult(key, base, entry.result, json.line);
        return;
      case 'bash-execution':
        this.push(bashExecutionStep({ id: key, timestamp: base.timestamp, sourceId: base.id }, entry.bash));
        return;
      case 'compaction':
        this.push(compactionStep(key, base, entry.summary, entry.tokensBefore));
        return;
      case 'branch-summary':
        // The summary of an abandoned branch that pi puts in the context in its place.
        this.push(compactionStep(key, base, entry.summary, undefined));
        return;
      case 'model-change':
        this.model = entry.modelId ?? this.model;
        this.count('model_change');
        return;
      case 'session-info':
        this.title = entry.name ?? this.title;
        this.count('session_info');
        return;
      case 'other':
        this.count(entry.skipKey);
        return;
    }
  }

  private header(header: PiHeader, line: number): void {
    if (this.sessionId !== undefined) {
      this.count('session/repeated');
      return;
    }
    this.sessionId = (header.id === undefined ? null : safeSessionId(header.id)) ?? sessionIdFromFileName(this.file);
    if (header.id !== undefined && header.id !== this.sessionId) this.warn(line, `session id '${header.id}' is not usable as is: using '${this.sessionId}'`);
    this.cwd = header.cwd;
    this.parentSessionId = parentSessionId(header.parent);
    this.model = header.modelId;
    this.seen(header.timestamp);
  }

  private assistant(key: string, base: EntryBase, message: AssistantMessage): void {
    const several = message.blockCount > 1;
    const model = message.model ?? this.model;
    const interrupted = message.stopReason === 'aborted' || message.stopReason === 'error';
    const usage: StepExtras = compact({
      usage: message.usage,
      usageKey: message.usage === undefined && message.costUSD === undefined ? undefined : key,
      costUSD: message.costUSD,
    });
    let carried = false;
    // The first step of the response carries its usage; the others must not count it again.
    const extras = (): StepExtras => {
      const fields = carried ? {} : usage;
      carried = true;
      return compact({ model, ...fields });
    };
    for (const block of message.blocks) {
      const id = several ? `${key}:${block.index}` : key;
      switch (block.kind) {
        case 'text':
        case 'thinking':
          if (block.text.trim() === '') this.count(`block/empty-${block.kind}`);
          else this.push(textStep(block.kind === 'text' ? 'message' : 'reasoning', id, base, block.text, extras()));
          break;
        case 'tool-call': {
          const callKey = `${key}:${block.callId ?? block.index}`;
          const facts = { id: callKey, timestamp: base.timestamp, sourceId: base.id, name: block.name, callId: block.callId, input: block.input, interrupted };
          const step: ToolStep = { ...callStep(facts), ...extras() };
          if (!interrupted && block.callId !== undefined) this.pending.set(block.callId, { step, index: this.steps.length });
          this.push(step);
          break;
        }
        case 'skip':
          this.count(block.skipKey);
          break;
      }
    }
    if (carried) return;
    if (hasCost(message)) this.push(textStep('message', key, base, '', extras()));
    else this.count('assistant/empty');
  }

  private toolResult(key: string, base: EntryBase, result: ToolResult, line: number): void {
    this.count('content/image', result.images);
    const context: PatchContext = { repoRoot: this.options.repoRoot, cwd: this.cwd };
    const pending = this.pending.get(result.callId);
    if (pending === undefined) {
      this.warn(line, `tool result for unknown call '${result.callId}': kept as a step of its own`);
      const orphan = orphanResultStep({ id: key, timestamp: base.timestamp, sourceId: base.id }, result, context);
      this.count('edit/outside-repository', orphan.outside);
      this.push(orphan.step);
      return;
    }
    this.pending.delete(result.callId);
    const completed = completeCall(pending.step, result, context);
    this.count('edit/outside-repository', completed.outside);
    if (pending.index === undefined) this.push(completed.step);
    else this.steps[pending.index] = completed.step;
  }

  private push(step: Step): void {
    this.steps.push(step);
  }

  private count(key: string, by = 1): void {
    if (by > 0) this.skipped[key] = (this.skipped[key] ?? 0) + by;
  }

  private bad(line: number, reason: string): void {
    this.badLines += 1;
    this.warn(line, reason);
  }

  private warn(line: number, message: string): void {
    this.options.warn({ file: this.file, line, message });
  }

  private seen(timestamp: string | null): void {
    if (timestamp === null) return;
    if (this.startedAt === null || Date.parse(timestamp) < Date.parse(this.startedAt)) this.startedAt = timestamp;
    if (this.endedAt === null || Date.parse(timestamp) > Date.parse(this.endedAt)) this.endedAt = timestamp;
  }

  result(next: ReadFrom): ParseResult {
    const session: SessionInfo = compact({
      id: this.sessionId ?? sessionIdFromFileName(this.file),
      agent: 'pi',
      title: this.title,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      cwd: this.cwd,
      parentSessionId: this.parentSessionId,
    });
    const pending: Record<string, ToolStep> = {};
    for (const [callId, { step }] of this.pending) pending[callId] = step;
    const state: PiState = compact({
      v: PI_STATE_VERSION,
      sessionId: this.sessionId,
      cwd: this.cwd,
      parentSessionId: this.parentSessionId,
      title: this.title,
      model: this.model,
      pending,
    });
    return {
      session,
      steps: this.steps,
      context: [],
      checkpoint: { from: next, state },
      stats: { lines: this.lines, skipped: this.skipped, badLines: this.badLines },
    };
  }
}

type StepExtras = Partial<Pick<Step, 'model' | 'usage' | 'usageKey' | 'costUSD'>>;

function textStep(kind: 'prompt' | 'message' | 'reasoning', id: string, base: EntryBase, text: string, extras: StepExtras): Step {
  return compact<Step>({ v: STEP_VERSION, kind, id, timestamp: base.timestamp, sourceId: base.id, ...extras, text });
}

function compactionStep(id: string, base: EntryBase, text: string | undefined, tokensBefore: number | undefined): CompactionStep {
  return compact<CompactionStep>({ v: STEP_VERSION, kind: 'compaction', id, timestamp: base.timestamp, sourceId: base.id, text, tokensBefore });
}

function hasCost(message: AssistantMessage): boolean {
  const usage = message.usage;
  const tokens = usage === undefined ? 0 : usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return tokens > 0 || (message.costUSD ?? 0) > 0;
}
