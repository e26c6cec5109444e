// What one parse of a Gemini file carries whatever the format: the timeline, counts, warnings,
// and the session metadata turned into SessionInfo.

import { basename, dirname, extname } from 'node:path';
import type { LineWarning } from '../lines.js';
import type { ParseStats } from '../types.js';
import { isValidSessionId, type SessionInfo } from '../../model/session.js';
import { compact } from '../../model/json.js';
import { isoOrNull, narrowMessage } from './records.js';
import { messageSteps } from './steps.js';
import type { GeminiMeta, Timeline } from './timeline.js';

export class Run {
  readonly skipped: Record<string, number> = {};
  lines = 0;
  badLines = 0;

  constructor(
    readonly file: string,
    readonly timeline: Timeline,
    readonly repoRoot: string | null,
    private readonly warnTo: (warning: LineWarning) => void,
  ) {}

  skip(kind: string, count = 1): void {
    this.skipped[kind] = (this.skipped[kind] ?? 0) + count;
  }

  warn(line: number, message: string): void {
    this.warnTo({ file: this.file, line, message });
  }

  /** A line or document that could not be used at all. */
  bad(line: number, message: string): void {
    this.badLines += 1;
    this.warn(line, message);
  }

  /** Narrow one message record, turn it into steps and put it on the timeline. */
  putMessage(value: unknown, lineOf: () => number, label?: string): void {
    const narrowed = narrowMessage(value);
    if (!narrowed.ok) return this.bad(lineOf(), label === undefined ? narrowed.problem : `${label}: ${narrowed.problem}`);
    const { message, notes } = narrowed;
    for (const note of notes) this.warn(lineOf(), `message '${message.id}': ${note}`);
    const steps = messageSteps(message, {
      repoRoot: this.repoRoot,
      isTakenByOther: (stepId, messageId) => this.timeline.isTakenByOther(stepId, messageId),
      skip: (kind) => this.skip(kind),
    });
    this.timeline.put(message.id, steps);
  }

  stats(): ParseStats {
    return { lines: this.lines, skipped: { ...this.skipped }, badLines: this.badLines };
  }

  session(meta: GeminiMeta): SessionInfo {
    let id = meta.sessionId;
    if (id !== undefined && !isValidSessionId(id)) {
      this.warn(1, `session id '${id}' is not usable as a ref name; using the file name`);
      id = undefined;
    }
    return compact({
      id: id ?? basename(this.file, extname(this.file)),
      agent: 'gemini' as const,
      title: meta.summary !== undefined && meta.summary.trim() !== '' ? meta.summary : undefined,
      startedAt: isoOrNull(meta.startTime),
      endedAt: isoOrNull(meta.lastUpdated),
      parentSessionId: parentSessionId(this.file),
    });
  }
}

/** Subagent chats live in `chats/<parent session id>/<session id>.jsonl`. */
export function parentSessionId(file: string): string | undefined {
  const folder = dirname(file);
  if (basename(dirname(folder)) !== 'chats') return undefined;
  const parent = basename(folder);
  return isValidSessionId(parent) ? parent : undefined;
}
