// The rules of `git trace insights`, in one place: every threshold, word list and weight the
// signals and the score use, each with why it is what it is. The detectors (signals.ts) read
// only these; change a number here and the README's table must follow.
//
// Every signal is deterministic: the same steps give the same signals, with no model in the loop.

import { createHash } from 'node:crypto';

/**
 * failure: a tool call that finished and failed (a non-zero exit, or an error status). What
 * followed, judged over the later calls of the same kind (callKind):
 *   fixed      a later call of the same kind succeeded;
 *   retried    calls of the same kind came later, and every one failed;
 *   abandoned  no call of the same kind came later.
 * A chain of failures of one kind up to its first success is one signal, not one per failure.
 */
export const FAILURE_OUTCOMES = ['fixed', 'retried', 'abandoned'] as const;
export type FailureOutcome = (typeof FAILURE_OUTCOMES)[number];

/**
 * loop (call): the same call (the same shell command, or the same tool with the same input)
 * made at least this many times with the same failing result (exit code and output, see
 * resultDigest): the agent repeated itself and learned nothing. Three, because one retry after
 * a failure is ordinary (a flaky test, a missing build), a second identical one is not.
 */
export const LOOP_MIN_CALLS = 3;

/**
 * loop (edit): the same patch (the same file, the same hunks) applied by this many steps: the
 * edit was undone in between and made again.
 */
export const LOOP_MIN_EDITS = 2;

/**
 * re-steer: the person correcting the agent. Either a tool call the person interrupted (status
 * `interrupted`; a run of interrupted calls is one interruption: it stopped them all), or a prompt, after at least one tool call since the previous prompt, whose
 * text starts with one of these words (case-insensitive, after quotes and spaces; a whole word,
 * so "now" and "nothing" do not count).
 */
export const RESTEER_OPENING = /^["'`\s]*(no|nope|stop|don'?t|do not|wrong|that'?s not|that is not|not that|undo|revert that)\b/i;

/**
 * unused-output: a tool output of at least this many bytes (counting what capture cut out of
 * the middle) none of whose distinctive lines appears again in a later step's prompt, reply,
 * reasoning, tool input or patch. 8 KiB is about 2,000 tokens: less is not worth a finding.
 */
export const UNUSED_OUTPUT_MIN_BYTES = 8 * 1024;

/**
 * A distinctive line: trimmed, spaces collapsed, at least this long and with a letter in it
 * (short lines such as `}` or `ok` are everywhere and prove nothing).
 */
export const DISTINCTIVE_LINE_MIN = 16;
/** Longer lines count as used when their first this-many characters appear (an agent quotes the start). */
export const DISTINCTIVE_PREFIX = 40;
/** At most this many distinctive lines are checked per output (the first ones, in order). */
export const DISTINCTIVE_LINES_MAX = 400;

/**
 * re-read: a file read (a read tool's path, or the files a tool reports it read) when the same
 * path, with the same range (offset and limit of the read, when given; for a shell command that
 * reads, such as `sed -n '1,260p' f`, the same command), was read before and no step wrote it in
 * between (a file-editing tool naming it, or a patch to it).
 */
export const READ_TOOLS: ReadonlySet<string> = new Set(['Read', 'NotebookRead', 'read_file', 'read', 'view']);

/** compaction: every compaction step; its cost is the context it replaced (`tokensBefore`). */

/**
 * patch-undone: a patch of the session that track judges `reverted` or `lost` at HEAD. Judged for
 * one session at a time (it walks the history); over many sessions (--since) it is left out.
 */
export const UNDONE_STATES = ['reverted', 'lost'] as const;

export const SIGNAL_KINDS = ['failure', 'loop', 're-steer', 'unused-output', 're-read', 'compaction', 'patch-undone'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/**
 * The score: 100 less a penalty per signal, each kind's total capped (one bad habit alone
 * cannot take more than CAP), never below 0.
 *   score = max(0, 100 - Σ_kind min(CAP, Σ_signal weight))
 * Failures weigh by outcome: a fixed one is ordinary work (1), one given up on costs more (3),
 * one retried without success costs most (6). Loops and re-steers cost a person's time (10, 8);
 * context waste costs tokens (unused output 3, re-read 2, compaction 5); undone work 5.
 */
export const SCORE_WEIGHTS = {
  failure: { fixed: 1, abandoned: 3, retried: 6 },
  loop: 10,
  're-steer': 8,
  'unused-output': 3,
  're-read': 2,
  compaction: 5,
  'patch-undone': 5,
} as const;
export const SCORE_CAP = 30;

/** Grades: A from 90, B from 75, C from 60, D from 40, else F. */
export const GRADES: readonly (readonly [number, string])[] = [
  [90, 'A'],
  [75, 'B'],
  [60, 'C'],
  [40, 'D'],
  [0, 'F'],
];

export function grade(score: number): string {
  return GRADES.find(([min]) => score >= min)?.[1] ?? 'F';
}

/** The formula, as the text and JSON outputs state it. */
export const SCORE_FORMULA = `100 - sum over kinds of min(${SCORE_CAP}, weights): failure fixed ${SCORE_WEIGHTS.failure.fixed}, abandoned ${SCORE_WEIGHTS.failure.abandoned}, retried ${SCORE_WEIGHTS.failure.retried}; loop ${SCORE_WEIGHTS.loop}; re-steer ${SCORE_WEIGHTS['re-steer']}; unused-output ${SCORE_WEIGHTS['unused-output']}; re-read ${SCORE_WEIGHTS['re-read']}; compaction ${SCORE_WEIGHTS.compaction}; patch-undone ${SCORE_WEIGHTS['patch-undone']}`;

/**
 * What makes two tool calls "the same kind", for a failure's outcome: for a shell command, its
 * principal command (the last part of a `&&` / `;` chain, so `cd x && npm test` is `npm test`)
 * cut to its program and first argument that is not a flag (`npm test -- -g x` is `npm test`),
 * and the script a runner runs (`npm run lint`, `pnpm exec tsc` keep the script's name); for a tool
 * with a file, the tool and the file; else the tool's name.
 */
const RUNNER_VERBS: ReadonlySet<string> = new Set(['run', 'run-script', 'exec', 'x', 'dlx']);

export function callKind(tool: string, command: string | null, path: string | null): string {
  if (command !== null) {
    const principal = command.split(/&&|;|\|\|/).map((part) => part.trim()).filter((part) => part !== '').pop() ?? command;
    const words = principal.split(/\s+/).filter((w) => w !== '' && !/^[A-Z_][A-Z0-9_]*=/.test(w));
    const [program = '', ...rest] = words;
    const args = rest.filter((w) => !w.startsWith('-'));
    const kept = RUNNER_VERBS.has(args[0] ?? '') ? args.slice(0, 2) : args.slice(0, 1);
    return [program, ...kept].join(' ');
  }
  return path === null ? tool : `${tool} ${path}`;
}

/**
 * A failing result, for loops: the exit code and the output with what changes between identical
 * runs taken out (durations, timestamps, hex ids, temporary paths).
 */
export function resultDigest(exitCode: number | undefined, output: string): string {
  const steady = output
    .replace(/\b\d+(\.\d+)?\s*(ms|s|sec|seconds)\b/g, 'T')
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?\b/g, 'TIME')
    .replace(/\b[0-9a-f]{12,}\b/g, 'HEX')
    .replace(/\/tmp\/[^\s'"]+/g, 'TMP')
    .replace(/\s+/g, ' ')
    .trim();
  return createHash('sha256').update(`${exitCode ?? ''}\n${steady}`).digest('hex');
}

/** The distinctive lines of an output, in order, deduplicated. */
export function distinctiveLines(output: string): string[] {
  const seen = new Set<string>();
  for (const raw of output.split('\n')) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (line.length < DISTINCTIVE_LINE_MIN || !/[A-Za-z]/.test(line) || line.startsWith('[git-trace:')) continue;
    seen.add(line);
    if (seen.size >= DISTINCTIVE_LINES_MAX) break;
  }
  return [...seen];
}

/** Whether a distinctive line shows up in `later` (spaces collapsed the same way). */
export function lineUsed(line: string, later: string): boolean {
  return later.includes(line) || (line.length > DISTINCTIVE_PREFIX && later.includes(line.slice(0, DISTINCTIVE_PREFIX)));
}
