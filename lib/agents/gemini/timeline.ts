// The live message list of one Gemini session, and what changed in it since the last parse.
//
// Gemini rewrites history: the legacy `.json` file is rewritten whole on every update, and the
// `.jsonl` file replaces a message by appending it again under the same id, rebuilds the list
// (`$set.messages`) or cuts it (`$rewindTo`). So a parse cannot just emit what it read: it keeps,
// per live message, the ids and content hashes of its steps (the checkpoint state), and returns
// only steps that are new or whose content changed. Steps that an earlier parse returned and that
// the source has since deleted are "withdrawn": listed in the state for the importer to act on.

import { createHash } from 'node:crypto';
import { asArray, asString, isRecord } from '../../model/json.js';
import type { Step } from '../../model/step.js';
import type { CheckpointContentMap } from '../types.js';

export type GeminiFormat = 'json' | 'jsonl';

/** Session metadata as the file states it (first line, `$set` updates, or the legacy document). */
export interface GeminiMeta {
  readonly sessionId?: string;
  readonly projectHash?: string;
  readonly startTime?: string;
  readonly lastUpdated?: string;
  readonly summary?: string;
  readonly kind?: string;
}

type StepRecord = readonly [id: string, hash: string];

export interface GeminiState {
  readonly v: 1;
  readonly format: GeminiFormat;
  readonly meta: GeminiMeta;
  /** Live messages in order, each with its steps' ids and content hashes. */
  readonly messages: ReadonlyArray<readonly [messageId: string, steps: readonly StepRecord[]]>;
  /** Step ids an earlier parse returned that this parse found deleted by the agent (rewind, rebuild). */
  readonly withdrawn: readonly string[];
}

const META_KEYS = ['sessionId', 'projectHash', 'startTime', 'lastUpdated', 'summary', 'kind'] as const;

/** Merge the string metadata fields of `update` over `meta` (other keys are ignored). */
export function mergeMeta(meta: GeminiMeta, update: unknown): GeminiMeta {
  if (!isRecord(update)) return meta;
  const merged: Record<string, string> = { ...meta };
  for (const key of META_KEYS) {
    const value = asString(update[key]);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** Our own checkpoint state back from the importer, or undefined when it is not ours or not this format. */
export function readState(value: unknown, format: GeminiFormat): GeminiState | undefined {
  if (!isRecord(value) || value['v'] !== 1 || value['format'] !== format || !Array.isArray(value['messages'])) return undefined;
  const messages: Array<readonly [string, StepRecord[]]> = [];
  for (const entry of value['messages']) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return undefined;
    const steps: StepRecord[] = [];
    for (const record of asArray(entry[1])) {
      if (!Array.isArray(record) || typeof record[0] !== 'string' || typeof record[1] !== 'string') return undefined;
      steps.push([record[0], record[1]]);
    }
    messages.push([entry[0], steps]);
  }
  return { v: 1, format, meta: mergeMeta({}, value['meta']), messages, withdrawn: [] };
}

/** The state with its content (the session's summary) mapped; see AgentAdapter.mapCheckpointContent. */
export function mapStateContent(value: unknown, map: CheckpointContentMap): unknown {
  const format = isRecord(value) ? value['format'] : undefined;
  const state = format === 'json' || format === 'jsonl' ? readState(value, format) : undefined;
  if (state === undefined) return undefined;
  const { summary } = state.meta;
  return summary === undefined ? state : { ...state, meta: { ...state.meta, summary: map.text(summary) } };
}

export function hashStep(step: Step): string {
  return createHash('sha256').update(JSON.stringify(step)).digest('base64url').slice(0, 16);
}

export class Timeline {
  private messages = new Map<string, StepRecord[]>();
  /** Hashes of the steps the importer already has (live at the end of the last parse). */
  private readonly known = new Map<string, string>();
  private readonly owner = new Map<string, string>();
  private readonly changed = new Map<string, Step>();
  private readonly withdrawn = new Set<string>();
  /** The lists being replaced by open rebuilds (a re-read may hold a `$set.messages` rebuild). */
  private readonly replaced: Array<Map<string, StepRecord[]>> = [];

  constructor(state?: GeminiState) {
    for (const [messageId, steps] of state?.messages ?? []) {
      this.messages.set(messageId, [...steps]);
      for (const [id, hash] of steps) {
        this.known.set(id, hash);
        this.owner.set(id, messageId);
      }
    }
  }

  /** True when another live message already owns `stepId`. */
  isTakenByOther(stepId: string, messageId: string): boolean {
    const owner = this.owner.get(stepId);
    return owner !== undefined && owner !== messageId;
  }

  /** Add a message, or replace it in place (same position) when its id is already live. */
  put(messageId: string, steps: readonly Step[]): void {
    const records: StepRecord[] = steps.map((step) => [step.id, hashStep(step)]);
    const next = new Set(records.map(([id]) => id));
    const old = this.messages.get(messageId) ?? [];
    this.messages.set(messageId, records);
    for (const [id] of old) if (!next.has(id) && this.owner.get(id) === messageId) this.drop(id);
    steps.forEach((step, i) => {
      const hash = records[i]?.[1];
      this.owner.set(step.id, messageId);
      this.withdrawn.delete(step.id);
      if (this.known.get(step.id) === hash) this.changed.delete(step.id);
      else this.changed.set(step.id, step);
    });
  }

  /** Delete `messageId` and every message after it. False when it is not live. */
  rewindTo(messageId: string): boolean {
    if (!this.messages.has(messageId)) return false;
    let cutting = false;
    for (const id of [...this.messages.keys()]) {
      cutting ||= id === messageId;
      if (cutting) this.remove(id);
    }
    return true;
  }

  clear(): void {
    for (const id of [...this.messages.keys()]) this.remove(id);
  }

  /** Replace the whole list: call `put` for each message in its new order, then `endRebuild`. */
  beginRebuild(): void {
    this.replaced.push(this.messages);
    this.messages = new Map();
    this.owner.clear();
  }

  endRebuild(): void {
    for (const records of this.replaced.pop()?.values() ?? []) {
      for (const [id] of records) if (!this.owner.has(id)) this.drop(id);
    }
  }

  /** New or changed steps, in timeline order. */
  steps(): Step[] {
    const out: Step[] = [];
    for (const records of this.messages.values()) {
      for (const [id] of records) {
        const step = this.changed.get(id);
        if (step !== undefined) out.push(step);
      }
    }
    return out;
  }

  state(format: GeminiFormat, meta: GeminiMeta): GeminiState {
    return { v: 1, format, meta, messages: [...this.messages.entries()], withdrawn: [...this.withdrawn] };
  }

  private remove(messageId: string): void {
    const records = this.messages.get(messageId) ?? [];
    this.messages.delete(messageId);
    for (const [id] of records) if (this.owner.get(id) === messageId) this.drop(id);
  }

  private drop(stepId: string): void {
    this.changed.delete(stepId);
    this.owner.delete(stepId);
    if (this.known.has(stepId)) this.withdrawn.add(stepId);
  }
}
