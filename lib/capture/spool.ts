// The spool: one JSON line per hook event, appended by the hook (one write, O_APPEND) and read
// by flush from where the last flush stopped. Local plaintext, mode 0600, removed once stored;
// secrets are redacted before a record is written (`redactRecord`), so none is ever at rest here.

import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRecord, tryParseJson } from '../model/json.js';
import type { Patch } from '../model/step.js';
import type { Scan } from './hook.js';
import { addCounts, redactText, redactValue, type RedactionConfig, type RedactionCounts } from '../crypto/redact.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';

export type SpoolRecord =
  | { readonly t: 'start'; readonly ts: string; readonly base: string | null; readonly tree: string; readonly truncated?: boolean; readonly scan?: Scan }
  | { readonly t: 'prompt'; readonly ts: string; readonly text: string; readonly redacted?: RedactionCounts }
  | {
      readonly t: 'tool';
      readonly ts: string;
      readonly call: string;
      readonly name?: string;
      readonly input?: unknown;
      readonly output?: string;
      readonly failed?: boolean;
      readonly before: string;
      readonly after: string;
      /**
       * What the call changed. Absent (the hook's way since the diff left the hot path): flush
       * derives them from `before` and `after`, whose objects the session keeps until stored.
       */
      readonly patches?: readonly Patch[];
      readonly truncated?: boolean;
      /** How the snapshots before and after the call found what changed (absent in older spools). */
      readonly scan?: { readonly before?: Scan; readonly after: Scan };
      /** Secrets redacted from the input and output, per kind. */
      readonly redacted?: RedactionCounts;
      /** Secrets redacted from the observed patches, per kind (a transcript's step lacks these). */
      readonly patchesRedacted?: RedactionCounts;
    }
  | { readonly t: 'stop'; readonly ts: string; readonly end: boolean };

/** The record with its secrets redacted and counted, as it may rest in the spool. */
export function redactRecord(record: SpoolRecord, config: RedactionConfig): SpoolRecord {
  if (!config.enabled) return record;
  if (record.t === 'prompt') {
    const r = redactText(record.text, config);
    return isEmpty(r.counts) ? record : { ...record, text: r.text, redacted: r.counts };
  }
  if (record.t !== 'tool') return record;
  let counts: RedactionCounts = {};
  let patchCounts: RedactionCounts = {};
  const input = record.input === undefined ? undefined : redactValue(record.input, config);
  if (input !== undefined) counts = addCounts(counts, input.counts);
  const output = record.output === undefined ? undefined : redactText(record.output, config);
  if (output !== undefined) counts = addCounts(counts, output.counts);
  const patches = record.patches?.map((patch): Patch => {
    const r = redactText(patch.diff, config);
    patchCounts = addCounts(patchCounts, r.counts);
    return isEmpty(r.counts) ? patch : { ...patch, diff: r.text };
  });
  if (isEmpty(counts) && isEmpty(patchCounts)) return record;
  return {
    ...record,
    ...(input === undefined ? {} : { input: input.value }),
    ...(output === undefined ? {} : { output: output.text }),
    ...(patches === undefined ? {} : { patches }),
    ...(isEmpty(counts) ? {} : { redacted: counts }),
    ...(isEmpty(patchCounts) ? {} : { patchesRedacted: patchCounts }),
  };
}

function isEmpty(counts: RedactionCounts): boolean {
  return Object.keys(counts).length === 0;
}

export function appendSpool(path: string, record: SpoolRecord): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  appendFileSync(path, `${JSON.stringify(record)}\n`, { mode: PRIVATE_FILE_MODE });
}

export interface SpoolRead {
  readonly records: readonly SpoolRecord[];
  /** Byte offset past the last complete line read. */
  readonly end: number;
}

/** Records from `offset` on; a torn last line (a hook still writing) is left for later. */
export function readSpool(path: string, offset: number): SpoolRead {
  if (!existsSync(path)) return { records: [], end: offset };
  const data = readFileSync(path);
  const records: SpoolRecord[] = [];
  let at = offset;
  for (;;) {
    const newline = data.indexOf(10, at);
    if (newline === -1) break;
    const value = tryParseJson(data.toString('utf8', at, newline));
    if (isRecord(value) && typeof value['t'] === 'string') records.push(value as unknown as SpoolRecord);
    at = newline + 1;
  }
  return { records, end: at };
}

export function readOffset(path: string): number {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

export function writeOffset(path: string, offset: number): void {
  writeFileSync(path, `${offset}\n`, { mode: PRIVATE_FILE_MODE });
}
