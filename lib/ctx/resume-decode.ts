// Reading a resume packet that came from outside (inside a capsule): narrowed field by field;
// null when it is not one. Unknown fields are ignored (readers of a newer packet).

import { isRecord, type JsonRecord } from '../model/json.js';
import { RESUME_VERSION, type ResumePacket } from './resume.js';

type Check<T> = (v: unknown) => v is T;

const str: Check<string> = (v): v is string => typeof v === 'string';
const num: Check<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const bool: Check<boolean> = (v): v is boolean => typeof v === 'boolean';
const strOrNull: Check<string | null> = (v): v is string | null => v === null || typeof v === 'string';
const numOrNull: Check<number | null> = (v): v is number | null => v === null || num(v);

function shape(fields: Readonly<Record<string, Check<unknown>>>): Check<JsonRecord> {
  return (v): v is JsonRecord => isRecord(v) && Object.entries(fields).every(([k, check]) => check(v[k]));
}

function list<T>(check: Check<T>): Check<readonly T[]> {
  return (v): v is readonly T[] => Array.isArray(v) && v.every((x) => check(x));
}

const packet = shape({
  version: (v): v is number => v === RESUME_VERSION,
  session: shape({ id: str, agent: str, title: strOrNull, baseCommit: strOrNull, branch: strOrNull }),
  step: num,
  stepCount: num,
  goal: shape({ included: bool, prompts: list(shape({ step: num, text: str })), omitted: num }),
  done: shape({ items: list(shape({ step: num, what: str, files: list(str) })), omitted: num }),
  failed: list(shape({ step: num, what: str, exitCode: numOrNull, error: strOrNull, laterPassed: bool })),
  abandoned: shape({ items: list(shape({ step: num, path: str, undoneBy: num, detail: str })), survival: (v): v is JsonRecord => survival(v) }),
  tests: list(shape({ command: str, step: num, exitCode: numOrNull, passed: bool })),
  files: list(shape({ path: str, changed: num, read: num })),
  startState: list(str),
  lastReply: strOrNull,
});

const notKnown = shape({ known: (v): v is false => v === false, why: str });
const known = shape({
  known: (v): v is true => v === true,
  ref: str,
  commit: str,
  counts: (v): v is JsonRecord => isRecord(v) && Object.values(v).every((n) => num(n)),
  notWhole: list(shape({ step: num, path: str, state: str, reason: str })),
});

function survival(v: unknown): boolean {
  return notKnown(v) || known(v);
}

export function decodeResumePacket(value: unknown): ResumePacket | null {
  return packet(value) ? (value as unknown as ResumePacket) : null;
}
