// The mutable side of one Codex parse: the steps emitted so far (in timeline order, a changed
// step replacing its earlier copy), the steps that later lines may still change, and the
// bookkeeping that pairs records Codex writes apart. Built from the checkpoint state and turned
// back into one at the end, so an incremental parse ends where a whole parse would.
//
// Order rules: a new step first lets a waiting user-message prompt out (it came earlier), then
// hands ctx items waiting for "the next step" their `fromStepId`, then becomes the step the next
// token_count is charged to (unless it is a prompt).

import { createHash } from 'node:crypto';
import type { ContextItem } from '../types.js';
import { compact } from '../../model/json.js';
import { STEP_VERSION, type Step, type Usage } from '../../model/step.js';
import { STATE_VERSION, type CodexState, type OpenCall, type PromptCandidate, type WebSearchEnd } from './state.js';
import type { TokenTotals } from './usage.js';

const MAX_DONE = 1000;
const MAX_OPEN = 500;
const MAX_SPAWNS = 32;

export class Timeline {
  sessionId: string | undefined;
  cwd: string | undefined;
  model: string | undefined;
  totals: TokenTotals | undefined;
  compaction: CodexState['compaction'];
  prompt: PromptCandidate | undefined;
  promptEventOpen: boolean;
  webSearch: WebSearchEnd | undefined;
  meta: boolean;

  private readonly live = new Map<string, Step>();
  private readonly open = new Map<string, OpenCall>();
  private readonly done: string[];
  private readonly doneSet: Set<string>;
  private targetId: string | undefined;
  private spawns: string[];
  private readonly contextSeen: Set<string>;
  private contextPending: ContextItem[];
  private started: boolean;

  private readonly out: Step[] = [];
  private readonly at = new Map<string, number>();
  readonly context: ContextItem[] = [];

  /** The id to use when no session_meta came before the first step needed one: from the file name. */
  private readonly fallbackId: string;

  constructor(state: CodexState, fallbackId: string) {
    this.fallbackId = fallbackId;
    this.sessionId = state.sessionId;
    this.cwd = state.cwd;
    this.model = state.model;
    this.totals = state.totals;
    this.compaction = state.compaction;
    this.prompt = state.prompt;
    this.promptEventOpen = state.promptEventOpen;
    this.webSearch = state.webSearch;
    this.meta = state.meta;
    for (const step of state.steps) this.live.set(step.id, step);
    for (const call of state.open) this.open.set(call.callId, call);
    this.done = [...state.done];
    this.doneSet = new Set(state.done);
    this.targetId = state.targetId;
    this.spawns = [...state.spawns];
    this.contextSeen = new Set(state.contextSeen);
    this.contextPending = [...state.contextPending];
    this.started = state.started;
  }

  /**
   * The session id: the first session_meta's, when it comes before anything needs an id (it is
   * line 1 in every real rollout), else the file name's. Decided once, then kept in the state.
   */
  get sid(): string {
    this.sessionId ??= this.fallbackId;
    return this.sessionId;
  }

  /** The id of a step that has no id of its own: stable because rollouts are append-only. */
  lineId(line: number): string {
    return `${this.sid}:${line}`;
  }

  steps(): readonly Step[] {
    return this.out;
  }

  get(id: string): Step | undefined {
    return this.live.get(id);
  }

  /** A new step, in timeline order. */
  add(step: Step): void {
    if (this.prompt !== undefined) this.flushPrompt();
    this.promptEventOpen = false;
    const previousCompaction = this.compaction?.id;
    if (step.kind !== 'compaction') this.compaction = undefined;
    for (const item of this.contextPending) this.context.push({ ...item, fromStepId: step.id });
    this.contextPending = [];
    this.started = true;
    const previousTarget = this.targetId;
    this.targetId = step.kind === 'prompt' ? undefined : step.id;
    if (step.kind !== 'prompt') this.live.set(step.id, step);
    if (previousTarget !== undefined) this.release(previousTarget);
    if (previousCompaction !== undefined) this.release(previousCompaction);
    this.emit(step);
  }

  /** A step emitted before (in this parse or an earlier one) that changed: same id, latest wins. */
  change(step: Step): void {
    this.live.set(step.id, step);
    this.emit(step);
  }

  /** Update a live step without emitting it (it is emitted when it is complete). */
  stash(step: Step): void {
    this.live.set(step.id, step);
  }

  private emit(step: Step): void {
    const index = this.at.get(step.id);
    if (index === undefined) {
      this.at.set(step.id, this.out.length);
      this.out.push(step);
    } else {
      this.out[index] = step;
    }
  }

  /** Emit the waiting user-message prompt: no `event_msg/user_message` twin came for it. */
  flushPrompt(): void {
    const candidate = this.prompt;
    if (candidate === undefined) return;
    this.prompt = undefined;
    this.add({ v: STEP_VERSION, id: this.lineId(candidate.line), kind: 'prompt', timestamp: candidate.timestamp, text: candidate.text });
  }

  /** Charge usage to the latest step since the last token_count, or to a step emitted for it. */
  charge(usage: Usage, usageKey: string, line: number, timestamp: string | null): void {
    const target = this.targetId === undefined ? undefined : this.live.get(this.targetId);
    if (target !== undefined && target.usage === undefined) {
      this.change(compact({ ...target, usage, usageKey, model: target.model ?? this.model }));
    } else {
      // NEEDSWORK: a model call with no visible output (hidden reasoning only, a failed call):
      // Step has no usage-only kind, so an empty reasoning step stands for it.
      this.add(compact({ v: STEP_VERSION, id: this.lineId(line), kind: 'reasoning', timestamp, text: '', model: this.model, usage, usageKey }));
    }
    const charged = this.targetId;
    this.targetId = undefined;
    if (charged !== undefined) this.release(charged);
  }

  // Tool calls -----------------------------------------------------------------------------

  findOpen(callId: string): OpenCall | undefined {
    return this.open.get(callId);
  }

  isDone(callId: string): boolean {
    return this.doneSet.has(callId);
  }

  /** Whether a call id was seen before (open or complete): a reused id needs a line id. */
  isKnown(callId: string): boolean {
    return this.open.has(callId) || this.doneSet.has(callId);
  }

  openCall(call: OpenCall): void {
    this.open.delete(call.callId);
    this.open.set(call.callId, call);
    if (this.open.size > MAX_OPEN) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.closeCall(oldest);
    }
  }

  openCalls(): readonly OpenCall[] {
    return [...this.open.values()];
  }

  closeCall(callId: string): void {
    const call = this.open.get(callId);
    this.open.delete(callId);
    this.markDone(callId);
    if (call !== undefined) this.release(call.stepId);
  }

  markDone(callId: string): void {
    if (this.doneSet.has(callId)) return;
    this.doneSet.add(callId);
    this.done.push(callId);
    if (this.done.length > MAX_DONE) {
      const evicted = this.done.shift();
      if (evicted !== undefined) this.doneSet.delete(evicted);
    }
  }

  keepSpawn(stepId: string): void {
    this.spawns = [...this.spawns.filter((id) => id !== stepId), stepId];
    while (this.spawns.length > MAX_SPAWNS) {
      const evicted = this.spawns.shift();
      if (evicted !== undefined) this.release(evicted);
    }
  }

  /** Forget a live step once nothing can change it any more. */
  private release(id: string): void {
    if (this.targetId === id || this.compaction?.id === id || this.spawns.includes(id)) return;
    for (const call of this.open.values()) if (call.stepId === id) return;
    this.live.delete(id);
  }

  // ctx ------------------------------------------------------------------------------------

  /** A ctx item, once per distinct text; it applies from the next step (or from the start). */
  addContext(kind: ContextItem['kind'], text: string): boolean {
    if (text.trim() === '') return false;
    const hash = createHash('sha256').update(kind).update('\0').update(text).digest('hex').slice(0, 32);
    if (this.contextSeen.has(hash)) return false;
    this.contextSeen.add(hash);
    if (this.started) this.contextPending.push({ kind, text });
    else this.context.push({ kind, text });
    return true;
  }

  toState(): CodexState {
    if (this.compaction !== undefined && !this.live.has(this.compaction.id)) this.compaction = undefined;
    const kept = new Set<string>([...this.spawns, ...[...this.open.values()].map((c) => c.stepId)]);
    if (this.targetId !== undefined) kept.add(this.targetId);
    if (this.compaction !== undefined) kept.add(this.compaction.id);
    return compact({
      v: STATE_VERSION,
      meta: this.meta,
      sessionId: this.sessionId,
      cwd: this.cwd,
      model: this.model,
      totals: this.totals,
      steps: [...this.live.values()].filter((s) => kept.has(s.id)),
      open: [...this.open.values()],
      done: [...this.done],
      targetId: this.targetId,
      compaction: this.compaction,
      spawns: [...this.spawns],
      prompt: this.prompt,
      promptEventOpen: this.promptEventOpen,
      webSearch: this.webSearch,
      contextSeen: [...this.contextSeen],
      contextPending: [...this.contextPending],
      started: this.started,
    });
  }
}
