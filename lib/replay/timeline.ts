// Playing a session's timeline: the pause before each step follows the recorded time between
// steps, divided by the speed and capped (a lunch break in the middle of a session should not
// stall the replay), and each step is rendered as a short block: the prompt, a reasoning
// summary, the tool call and its result, the patch.

import { isRecord } from '../model/json.js';
import type { IndexedStep, Step } from '../model/step.js';
import { shellCommand } from '../ctx/tool-facts.js';
import { effectivePatches } from './trail.js';

export interface PlaybackOptions {
  /** 1: real time; 2: twice as fast. */
  readonly speed: number;
  /** The longest pause between two steps, after scaling. */
  readonly maxDelayMs: number;
}

export const DEFAULT_MAX_DELAY_MS = 2000;

/** The pause before each step, in milliseconds; the first step starts at once. */
export function playbackDelays(steps: readonly Step[], options: PlaybackOptions): number[] {
  let previous: number | null = null;
  return steps.map((step) => {
    const t = step.timestamp === null ? NaN : Date.parse(step.timestamp);
    if (Number.isNaN(t)) return 0;
    const gap = previous === null ? 0 : Math.max(0, t - previous);
    previous = t;
    return Math.min(Math.round(gap / options.speed), options.maxDelayMs);
  });
}

export interface StepBlock {
  /** `#3 10:00:05 tool Bash`. */
  readonly title: string;
  readonly kind: Step['kind'];
  readonly lines: readonly string[];
}

const LIMITS = { text: 12, reasoning: 6, output: 8, diff: 24 } as const;

/** A step as a short block of text for the terminal. */
export function stepBlock(step: IndexedStep): StepBlock {
  const time = step.timestamp === null ? '' : ` ${step.timestamp.slice(11, 19)}`;
  const who = step.sidechain === undefined ? '' : ` [${step.sidechain.agentId}]`;
  const name = step.kind === 'tool' ? ` ${step.tool.name}` : '';
  const lines: string[] = [];
  switch (step.kind) {
    case 'prompt':
      lines.push(...head(step.text, LIMITS.text).map((l) => `> ${l}`));
      break;
    case 'message':
      lines.push(...head(step.text, LIMITS.text));
      break;
    case 'reasoning':
      lines.push(...head(step.text, LIMITS.reasoning).map((l) => `(${l})`));
      break;
    case 'tool': {
      const command = shellCommand(step);
      lines.push(command !== null ? `$ ${command}` : `${inputLine(step.tool.input)}`);
      const result = step.tool.status === 'pending' ? 'no result recorded' : step.tool.exitCode !== undefined ? `exit ${step.tool.exitCode}` : step.tool.status;
      lines.push(`→ ${result}`);
      if (step.tool.output !== undefined && step.tool.output.trim() !== '') lines.push(...tail(step.tool.output, LIMITS.output).map((l) => `  ${l}`));
      break;
    }
    case 'compaction':
      lines.push(`compacted${step.trigger === undefined ? '' : ` (${step.trigger})`}${step.tokensBefore === undefined ? '' : ` from ${step.tokensBefore} tokens`}`);
      if (step.text !== undefined) lines.push(...head(step.text, LIMITS.reasoning));
      break;
    case 'subagent':
      lines.push(`subagent ${step.agentId}`);
      if (step.text !== undefined) lines.push(...head(step.text, LIMITS.reasoning));
      break;
  }
  for (const patch of effectivePatches(step)) {
    lines.push(`patch ${patch.path} (${patch.origin})`);
    lines.push(...head(patch.diff.replace(/^--- .*\n\+\+\+ .*\n/, ''), LIMITS.diff).map((l) => `  ${l}`));
  }
  return { title: `#${step.index}${time} ${step.kind}${name}${who}`, kind: step.kind, lines };
}

/** What a reader recognises of a tool's input: the file, pattern or address; else the JSON. */
function inputLine(input: unknown): string {
  if (isRecord(input)) {
    for (const key of ['file_path', 'filePath', 'path', 'notebook_path', 'pattern', 'query', 'url']) {
      const value = input[key];
      if (typeof value === 'string') return value;
    }
  }
  const text = typeof input === 'string' ? input : JSON.stringify(input) ?? '';
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function head(text: string, n: number): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.length <= n ? lines : [...lines.slice(0, n), `… (${lines.length - n} more lines)`];
}

function tail(text: string, n: number): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.length <= n ? lines : [`… (${lines.length - n} lines before)`, ...lines.slice(-n)];
}
