// The plaintext inside sealed chunks: JSON lines, validated on the way back in.

import { createHash } from 'node:crypto';
import { CorruptRecordError } from '../errors.js';
import { isRecord, tryParseJson } from '../model/json.js';
import type { Patch, Step } from '../model/step.js';
import { validateSessionMeta, validateStep } from '../model/validate.js';
import type { SessionMeta } from '../model/session.js';

export const META_RECORD_VERSION = 1 as const;

/** What meta.age holds: the session's metadata and the store's own bookkeeping. */
export interface MetaRecord {
  readonly v: typeof META_RECORD_VERSION;
  readonly session: SessionMeta;
  /** Number of distinct steps (by id) after this flush. */
  readonly stepCount: number;
  /** Number of step chunks in the tree. */
  readonly chunks: number;
  /** Secret key (base64) naming ctx items within this session, so names reveal nothing. */
  readonly ctxKey: string;
}

export function encodeMeta(meta: MetaRecord): string {
  return JSON.stringify(meta);
}

export function decodeMeta(text: string, what: string): MetaRecord {
  const value = tryParseJson(text);
  if (!isRecord(value) || value['v'] !== META_RECORD_VERSION) throw new CorruptRecordError(`'${what}' is not a session metadata record`);
  const session = validateSessionMeta(value['session']);
  if (!session.ok) throw new CorruptRecordError(`'${what}': ${session.error}`);
  const { stepCount, chunks, ctxKey } = value;
  if (typeof stepCount !== 'number' || typeof chunks !== 'number' || typeof ctxKey !== 'string') {
    throw new CorruptRecordError(`'${what}' lacks its bookkeeping fields`);
  }
  return { v: META_RECORD_VERSION, session: session.value, stepCount, chunks, ctxKey };
}

/** A step as stored in a steps chunk: its patches travel in the matching patches chunk. */
export function withoutPatches(step: Step): Step {
  if (step.patches === undefined) return step;
  const { patches: _omitted, ...rest } = step;
  return rest as Step;
}

export interface PatchRecord {
  readonly id: string;
  readonly patches: readonly Patch[];
}

/** A ctx item as stored: what the model could see that is not a step. */
export interface ContextRecord {
  readonly kind: ContextKind;
  readonly text: string;
  readonly fromStepId?: string;
}

/** 'start-state': the uncommitted changes in the work tree when live capture began, as a diff. */
export const CONTEXT_KINDS = ['system-prompt', 'tool-definitions', 'instructions', 'start-state'] as const;
export type ContextKind = (typeof CONTEXT_KINDS)[number];

export function decodeContext(text: string, what: string): ContextRecord {
  const value = tryParseJson(text);
  if (!isRecord(value) || typeof value['text'] !== 'string' || !(CONTEXT_KINDS as readonly string[]).includes(String(value['kind']))) {
    throw new CorruptRecordError(`'${what}' is not a ctx record`);
  }
  const fromStepId = typeof value['fromStepId'] === 'string' ? value['fromStepId'] : undefined;
  const kind = value['kind'] as ContextRecord['kind'];
  return fromStepId === undefined ? { kind, text: value['text'] } : { kind, text: value['text'], fromStepId };
}

export function encodeLines(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + '\n';
}

export function decodeSteps(text: string, what: string): Step[] {
  const steps: Step[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const result = validateStep(tryParseJson(line));
    if (!result.ok) throw new CorruptRecordError(`'${what}' line ${i + 1}: ${result.error}`);
    steps.push(result.value);
  }
  return steps;
}

export function decodePatches(text: string, what: string): PatchRecord[] {
  const records: PatchRecord[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const value = tryParseJson(line);
    const id = isRecord(value) ? value['id'] : undefined;
    const check = validateStep({ v: 1, id: 'patch-check', kind: 'prompt', text: '', patches: isRecord(value) ? value['patches'] : undefined });
    if (typeof id !== 'string' || !check.ok || check.value.patches === undefined) {
      throw new CorruptRecordError(`'${what}' line ${i + 1}: not a patch record`);
    }
    records.push({ id, patches: check.value.patches });
  }
  return records;
}

/** A digest of a step's full content (patches included), to tell a changed step from a repeat. */
export function stepDigest(step: Step): string {
  return createHash('sha256').update(canonicalJson(step)).digest('base64url').slice(0, 22);
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}
