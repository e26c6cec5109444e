// The spool: one JSON line per hook event, appended by the hook (one write, O_APPEND) and read
// by flush from where the last flush stopped. Local plaintext, mode 0600, removed once stored.

import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRecord, tryParseJson } from '../model/json.js';
import type { Patch } from '../model/step.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../settings.js';

export type SpoolRecord =
  | { readonly t: 'start'; readonly ts: string; readonly base: string | null; readonly tree: string; readonly truncated?: boolean }
  | { readonly t: 'prompt'; readonly ts: string; readonly text: string }
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
      readonly patches: readonly Patch[];
      readonly truncated?: boolean;
    }
  | { readonly t: 'stop'; readonly ts: string; readonly end: boolean };

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
