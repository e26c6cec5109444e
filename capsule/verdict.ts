// Judging a run of a capsule's verdict command (lib/replay/run-command.ts) against the recorded
// failure:
//   fixed         it exits 0;
//   reproduces    it fails with the recorded error string (or, when none was recorded, with the
//                 recorded exit code, or any non-zero one when none was recorded either);
//   inconclusive  it fails some other way, runs past the time limit, or is killed.
// The command runs with the environment and isolation its caller gives (lib/settings.ts
// verdictEnvironment, capsule/sandbox.ts).

import { readSettings } from '../lib/settings.js';
import type { Verdict } from './payload.js';
import { makeScrubber, scrubText } from '../lib/egress/scrub.js';
import type { CommandRun } from '../lib/replay/run-command.js';

export type Outcome = 'reproduces' | 'fixed' | 'inconclusive';

export interface Judgement {
  readonly verdict: Outcome;
  readonly reason: string;
  /** Whether the recorded error string was in the output (null when none was recorded). */
  readonly matchedError: boolean | null;
}

/** Compare a run with the recorded failure; `workTree` is where it ran (its path is normalised away). */
export function judge(verdict: Verdict, run: CommandRun, workTree: string): Judgement {
  const expected = verdict.failure.errorLine;
  const matched = expected === null ? null : normalise(run.output, workTree).includes(normalise(expected, workTree));
  if (run.timedOut) return { verdict: 'inconclusive', reason: `ran past the time limit (${Math.round(run.durationMs / 1000)}s)`, matchedError: matched };
  if (run.exitCode === null) return { verdict: 'inconclusive', reason: `was killed by ${run.signal ?? 'a signal'}`, matchedError: matched };
  if (run.exitCode === 0) return { verdict: 'fixed', reason: 'the command passes (exit 0)', matchedError: matched };
  const recorded = verdict.failure.exitCode;
  const codeNote = recorded !== null && recorded !== run.exitCode ? ` (recorded: exit ${recorded})` : '';
  if (matched === true) return { verdict: 'reproduces', reason: `exit ${run.exitCode}${codeNote} with the recorded error`, matchedError: true };
  if (matched === false) return { verdict: 'inconclusive', reason: `fails (exit ${run.exitCode}), but without the recorded error`, matchedError: false };
  if (recorded === null || recorded === run.exitCode) return { verdict: 'reproduces', reason: `fails with exit ${run.exitCode}${recorded === null ? '' : ', as recorded'}`, matchedError: null };
  return { verdict: 'inconclusive', reason: `fails with exit ${run.exitCode}, not the recorded ${recorded}`, matchedError: null };
}

/** Colour codes out, this machine's paths scrubbed as the sealer's were, spaces collapsed. */
function normalise(text: string, workTree: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const scrubbed = scrubText(plain, makeScrubber({ roots: [workTree], home: readSettings().home, userNames: [] }), {});
  return scrubbed.replace(/\s+/g, ' ').trim();
}

/** The last lines of the output, for the report. */
export function outputTail(output: string, lines = 20): string {
  const all = output.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
