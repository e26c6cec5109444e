// The normalized steps JSONL form: the form every agent adapter produces, and what
// `git trace import --format steps FILE` reads.
//
//   {"type":"session","id":"s1","agent":"claude-code","startedAt":"…","title":"…"}
//   {"type":"step","id":"p1","kind":"prompt","timestamp":"…","text":"fix the parser"}
//   {"type":"step","id":"t1","kind":"tool","timestamp":"…","tool":{"name":"Bash",…}}
//
// Step lines belong to the session line above them (or name it: "session":"s1"). Each bad line
// is reported with its file and line number and skipped; the rest imports. Tool outputs are
// capped as at capture (output-cap.ts).

import { stat } from 'node:fs/promises';
import { eachJsonLine, type LineWarning } from '../agents/lines.js';
import { InputError } from '../errors.js';
import { isRecord } from '../model/json.js';
import { capToolOutput } from '../model/output-cap.js';
import type { SessionInfo } from '../model/session.js';
import type { Step } from '../model/step.js';
import { validateSessionInfo, validateStep } from '../model/validate.js';

export interface StepsFileSession {
  readonly info: SessionInfo;
  readonly steps: Step[];
}

export interface StepsFile {
  readonly sessions: readonly StepsFileSession[];
  /** Valid step and session lines. */
  readonly validLines: number;
  readonly badLines: number;
}

export async function readStepsFile(file: string, warn: (warning: LineWarning) => void): Promise<StepsFile> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new InputError(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const sessions = new Map<string, StepsFileSession>();
  let current: StepsFileSession | undefined;
  let validLines = 0;
  let badLines = 0;
  const bad = (line: number, message: string): void => {
    badLines++;
    warn({ file, line, message });
  };
  const end = await eachJsonLine(file, undefined, (w) => bad(w.line, w.message), (item) => {
    const { value, line } = item;
    if (!isRecord(value)) {
      bad(line, 'not a JSON object');
      return;
    }
    if (value['type'] === 'session') {
      const info = validateSessionInfo(value);
      if (!info.ok) {
        bad(line, `bad session: ${info.error}`);
        current = undefined;
        return;
      }
      current = sessions.get(info.value.id) ?? { info: info.value, steps: [] };
      sessions.set(info.value.id, current);
      validLines++;
      return;
    }
    if (value['type'] !== 'step') {
      bad(line, `unknown line type ${JSON.stringify(value['type'])} (expected "session" or "step")`);
      return;
    }
    const named = typeof value['session'] === 'string' ? sessions.get(value['session']) : current;
    if (named === undefined) {
      bad(line, 'step before any session line');
      return;
    }
    const step = validateStep(value);
    if (!step.ok) {
      bad(line, `bad step: ${step.error}`);
      return;
    }
    named.steps.push(capToolOutput(step.value));
    validLines++;
  });
  if (end.offset < size) bad(end.line + 1, 'incomplete last line (cut off mid-record)');
  return { sessions: [...sessions.values()], validLines, badLines };
}

/** Render steps and sessions back into the JSONL form (the inverse of readStepsFile). */
export function formatStepsFile(sessions: readonly StepsFileSession[]): string {
  const lines: string[] = [];
  for (const { info, steps } of sessions) {
    lines.push(JSON.stringify({ type: 'session', ...info }));
    for (const step of steps) lines.push(JSON.stringify({ type: 'step', ...step }));
  }
  return lines.join('\n') + '\n';
}
