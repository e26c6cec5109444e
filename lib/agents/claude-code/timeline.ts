// Claude Code records to normalized steps, with the state an incremental parse carries.
//
// Ids are stable across re-parses, so re-importing is idempotent: a record's `uuid` (with
// `:<block>` when a record holds several blocks), the `tool_use` id for a tool step (call and
// result are one step), `subagent:<agentId>` for a subagent run. A tool step is emitted as
// `pending` at its call and again, same id, when its result arrives: possibly in a later parse.
// Subagent messages come from sidechain files and, in 2.1.x, mirrored inline in `agent_progress`
// records; both give the same ids, so the store keeps one copy.

import { asString, compact, field } from '../../model/json.js';
import {
  STEP_VERSION,
  type CompactionStep,
  type Patch,
  type Sidechain,
  type Step,
  type SubagentStep,
  type ToolStep,
  type Usage,
} from '../../model/step.js';
import { EDIT_TOOLS, reportedPatch } from './edits.js';
import { classifyPrompt, plainText } from './prompts.js';
import type { AgentProgressRecord, AssistantRecord, Block, CompactionRecord, Envelope, UserRecord } from './records.js';
import type { ParseState, PendingCall } from './state.js';
import type { StepList } from './step-list.js';
import { readsOf, toolOutcome } from './tools.js';
import { maxUsage } from './usage.js';

export interface TimelineContext {
  readonly repoRoot: string | null;
  readonly state: ParseState;
  readonly steps: StepList;
  /** Count a record or block that maps to no step, under `key`. */
  readonly skip: (key: string) => void;
}

const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

type ToolResultBlock = Extract<Block, { type: 'tool_result' }>;

interface SubagentRun {
  readonly agentId: string;
  readonly parentCallId?: string;
  readonly text?: string;
  readonly timestamp: string | null;
  readonly sourceId?: string;
}

export class Timeline {
  constructor(private readonly ctx: TimelineContext) {}

  user(rec: UserRecord): void {
    const { state } = this.ctx;
    if (rec.isCompactSummary) {
      this.compactSummary(rec);
      return;
    }
    state.compaction = undefined;
    if (typeof rec.content !== 'string') {
      const results = rec.content.filter((block): block is ToolResultBlock => block.type === 'tool_result');
      if (results.length > 0) {
        // One `toolUseResult` per record: it belongs to a result only when that result is alone.
        const structured = results.length === 1 ? rec.toolUseResult : undefined;
        for (const result of results) this.result(result, structured, rec.env);
        if (rec.content.some((block) => block.type !== 'tool_result')) this.ctx.skip('user/beside-tool-result');
        return;
      }
      for (const block of rec.content) if (block.type === 'other') this.ctx.skip(`user/${block.name}`);
    }
    if (rec.isMeta) {
      this.ctx.skip('user/meta');
      return;
    }
    const verdict = classifyPrompt(rec.content);
    if (verdict.kind === 'scaffolding') {
      this.ctx.skip(verdict.reason);
      return;
    }
    if (rec.env.sidechain !== undefined && this.isSubagentPrompt(rec, verdict.text)) return;
    this.ctx.steps.put(compact({ ...this.base(rec.env, rec.env.uuid), kind: 'prompt', text: verdict.text }));
  }

  assistant(rec: AssistantRecord): void {
    const { state } = this.ctx;
    state.compaction = undefined;
    const usage = this.usageWithHeld(rec);
    const several = rec.blocks.length > 1;
    let emitted = 0;
    rec.blocks.forEach((block, index) => {
      const id = several ? `${rec.env.uuid}:${index}` : rec.env.uuid;
      const base = compact({ ...this.base(rec.env, id), model: rec.model, usage, usageKey: rec.usageKey });
      const step = this.blockStep(block, base, rec.env);
      if (step !== undefined) emitted += 1;
    });
    if (emitted > 0) state.held = undefined;
    else if (usage !== undefined && rec.usageKey !== undefined) state.held = { usageKey: rec.usageKey, usage };
  }

  compaction(rec: CompactionRecord): void {
    const step: CompactionStep = compact({
      ...this.base(rec.env, rec.env.uuid),
      kind: 'compaction',
      trigger: rec.trigger,
      tokensBefore: rec.tokensBefore,
    });
    this.ctx.steps.put(step);
    // A full compaction is followed by the summary that replaced the history: it completes the step.
    this.ctx.state.compaction = rec.micro ? undefined : step;
  }

  agentProgress(rec: AgentProgressRecord): void {
    this.ensureSubagent({
      agentId: rec.agentId,
      timestamp: rec.timestamp,
      ...(rec.parentCallId === undefined ? {} : { parentCallId: rec.parentCallId }),
      ...(rec.prompt === undefined ? {} : { text: rec.prompt }),
    });
    if (rec.message.kind === 'user') this.user(rec.message);
    else this.assistant(rec.message);
  }

  private base(env: Envelope, id: string): { v: typeof STEP_VERSION; id: string; timestamp: string | null; sourceId: string; sidechain?: Sidechain } {
    const sidechain = this.sidechainOf(env);
    return { v: STEP_VERSION, id, timestamp: env.timestamp, sourceId: env.uuid, ...(sidechain === undefined ? {} : { sidechain }) };
  }

  private sidechainOf(env: Envelope): Sidechain | undefined {
    if (env.sidechain === undefined) return undefined;
    const parentCallId = env.sidechain.parentCallId ?? this.ctx.state.agents.get(env.sidechain.agentId)?.parentCallId;
    return parentCallId === undefined ? { agentId: env.sidechain.agentId } : { agentId: env.sidechain.agentId, parentCallId };
  }

  private usageWithHeld(rec: AssistantRecord): Usage | undefined {
    const held = this.ctx.state.held;
    if (rec.usage === undefined || held === undefined || held.usageKey !== rec.usageKey) return rec.usage;
    return maxUsage(held.usage, rec.usage);
  }

  /** Emit the step of one assistant block; undefined when the block maps to none. */
  private blockStep(block: Block, base: Omit<Step, 'kind'>, env: Envelope): Step | undefined {
    const { steps, skip } = this.ctx;
    switch (block.type) {
      case 'text':
      case 'thinking': {
        if (block.text.trim() === '') {
          skip(`assistant/blank-${block.type}`);
          return undefined;
        }
        const step: Step = { ...base, kind: block.type === 'text' ? 'message' : 'reasoning', text: block.text };
        steps.put(step);
        return step;
      }
      case 'tool_use':
        return this.call(block, base, env);
      case 'image':
      case 'tool_result':
        skip(`assistant/${block.type}`);
        return undefined;
      case 'other':
        skip(`assistant/${block.name}`);
        return undefined;
    }
  }

  private call(block: Extract<Block, { type: 'tool_use' }>, base: Omit<Step, 'kind'>, env: Envelope): Step | undefined {
    const { state, steps } = this.ctx;
    const known = steps.get(block.id);
    // The same call written twice: keep what is known, never turn a finished call back to pending.
    if (state.pending.has(block.id) || (known?.kind === 'tool' && known.tool.status !== 'pending')) return known;
    const step: ToolStep = {
      ...base,
      id: block.id,
      kind: 'tool',
      tool: { name: block.name, callId: block.id, input: block.input, status: 'pending' },
    };
    const pending: PendingCall = env.cwd === undefined ? { step } : { step, cwd: env.cwd };
    state.pending.set(block.id, pending);
    steps.put(step);
    return step;
  }

  private result(block: ToolResultBlock, structured: unknown, env: Envelope): void {
    const { state, steps, skip, repoRoot } = this.ctx;
    const pending = state.pending.get(block.callId);
    if (pending === undefined) {
      skip('user/orphan-tool-result');
      return;
    }
    state.pending.delete(block.callId);
    const call = pending.step.tool;
    const outcome = toolOutcome(call.name, block, structured);
    const ok = outcome.status === 'ok';
    const cwd = env.cwd ?? pending.cwd;
    const patches = ok && EDIT_TOOLS.has(call.name) ? this.patches(call.name, call.input, structured, cwd) : undefined;
    const step: ToolStep = compact({
      ...pending.step,
      tool: compact({ ...call, ...outcome, reads: ok ? readsOf(call.name, call.input, repoRoot, cwd) : undefined }),
      patches,
    });
    steps.put(step);
    if (!SUBAGENT_TOOLS.has(call.name)) return;
    const agentId = asString(field(structured, 'agentId'));
    if (agentId === undefined || agentId === '') return;
    const text = asString(field(call.input, 'prompt')) ?? asString(field(structured, 'prompt'));
    this.ensureSubagent({ agentId, parentCallId: call.callId ?? block.callId, timestamp: step.timestamp, ...(text === undefined ? {} : { text }) });
  }

  private patches(name: string, input: unknown, structured: unknown, cwd: string | undefined): Patch[] | undefined {
    const edit = reportedPatch({ name, input, toolUseResult: structured, repoRoot: this.ctx.repoRoot, cwd });
    switch (edit.kind) {
      case 'patch':
        return [edit.patch];
      case 'outside':
        this.ctx.skip('edit/outside-repository');
        return undefined;
      case 'none':
        if (edit.reason !== undefined) this.ctx.skip(edit.reason);
        return undefined;
    }
  }

  /** A sidechain's first typed text is the task it was given: the subagent step holds it. */
  private isSubagentPrompt(rec: UserRecord, text: string): boolean {
    const sidechain = rec.env.sidechain;
    if (sidechain === undefined) return false;
    const known = this.ctx.state.agents.get(sidechain.agentId);
    if (known?.text !== undefined) return known.text === text;
    this.ensureSubagent({
      agentId: sidechain.agentId,
      text,
      timestamp: rec.env.timestamp,
      sourceId: rec.env.uuid,
      ...(sidechain.parentCallId === undefined ? {} : { parentCallId: sidechain.parentCallId }),
    });
    return true;
  }

  /** Emit or complete the one subagent step of a run, right after its parent's tool step when known. */
  private ensureSubagent(run: SubagentRun): void {
    const { state, steps } = this.ctx;
    const known = state.agents.get(run.agentId);
    const step: SubagentStep = compact({
      v: STEP_VERSION,
      id: `subagent:${run.agentId}`,
      kind: 'subagent',
      timestamp: known?.timestamp ?? run.timestamp,
      sourceId: known?.sourceId ?? run.sourceId,
      agentId: run.agentId,
      text: known?.text ?? run.text,
      parentCallId: known?.parentCallId ?? run.parentCallId,
    });
    if (known !== undefined && JSON.stringify(known) === JSON.stringify(step)) return;
    state.agents.set(run.agentId, step);
    if (step.parentCallId === undefined) steps.put(step);
    else steps.putAfter(step.parentCallId, step);
  }

  private compactSummary(rec: UserRecord): void {
    const { state, steps } = this.ctx;
    const text = plainText(rec.content);
    const open = state.compaction;
    state.compaction = undefined;
    if (open !== undefined) steps.put({ ...open, text });
    else steps.put(compact({ ...this.base(rec.env, rec.env.uuid), kind: 'compaction', text }));
  }
}
