// git trace bisect ID --test CMD: the first step of a session after which CMD's verdict changes
// (passes → fails; with --fixed, fails → passes), by a binary search over the steps that changed
// files, each probe rebuilt in one scratch worktree (never yours). See lib/replay/bisect.ts.

import { NotFoundError, UsageError } from '../errors.js';
import type { IndexedStep } from '../model/step.js';
import { bisectSession, type BisectResult, type BisectRun } from '../replay/bisect.js';
import { loadSession, requireBase } from '../replay/load.js';
import { hasCommit } from '../replay/worktree.js';
import { resolveCommit } from '../trail/revision.js';
import { parseCommand } from './args.js';
import type { CommandContext } from './commands.js';
import { plural } from './format.js';
import { info, out, outJson, paint } from './output.js';
import { renderStep } from './show.js';

const HELP = `usage: git trace bisect --test CMD [--fixed] [--base REV] [--timeout SECONDS] [--json] ID

Find the first step of session ID after which CMD starts failing: the session's trail is
rebuilt in a scratch worktree (never yours) up to a step, CMD runs there (exit 0 is a pass),
and a binary search over the steps that changed files narrows it down, as git bisect does
over commits. CMD must fail after the session's last change; the search assumes it flips once.
Prints each run, then the step, the prompt that drove it, its tool call and its patch.

    --test CMD         the command that tells (run with /bin/sh in the rebuilt tree)
    --fixed            find the step after which CMD starts passing instead
    --base REV         rebuild from REV, not the session's base commit
    --timeout SECONDS  time limit per run (default 300; a run past it counts as failing)
    --json             print {session, found, step, runs, candidates, reason}

Exit status: 0 when a step is found, 1 when none is (CMD does not change, or fails already
before the session's first change).`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { test: { type: 'string' }, fixed: { type: 'boolean' }, base: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [id, ...extra] = args.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('bisect takes one session ID', { hint: 'usage: git trace bisect --test CMD ID' });
  const test = args.values.test;
  if (test === undefined || test.trim() === '') throw new UsageError('bisect needs the command that tells: --test CMD', { hint: "for example: git trace bisect --test 'npm test' ID" });
  const timeout = args.values.timeout === undefined ? 300 : Number(args.values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout needs a number of seconds, not '${args.values.timeout}'`);
  const fixed = args.values.fixed === true;
  const json = args.values.json === true;
  const repo = await context.repo();
  const loaded = await loadSession(repo, id);
  const base = args.values.base === undefined ? requireBase(loaded) : await resolveCommit(repo.git.repo, args.values.base);
  const repoDir = repo.git.repo.workTree ?? repo.git.repo.gitDir;
  if (!(await hasCommit(repoDir, base))) {
    throw new NotFoundError(`the base commit ${base.slice(0, 12)} of session '${loaded.id}' is not in this repository`, { hint: 'fetch it, or name another with --base REV' });
  }
  const result = await bisectSession(repoDir, loaded, { base, test, fixed, timeoutMs: timeout * 1000, ...(json ? {} : { onRun: (r) => info(describeRun(r, fixed)) }) });
  if (json) outJson({ version: 1, session: loaded.id, base, test, fixed, ...result, ...(result.found ? {} : { step: null }) });
  else out(render(result, loaded.stored.steps, fixed));
  return result.found ? 0 : 1;
}

export function describeRun(r: BisectRun, fixed: boolean): string {
  const where = r.step < 0 ? 'at the start' : `after step #${r.step}`;
  const how = r.timedOut ? 'timed out' : r.exitCode === 0 ? 'passes' : `fails (exit ${r.exitCode ?? 'killed'})`;
  const doubt = r.unapplied > 0 ? ` (${plural(r.unapplied, 'patch')} did not apply)` : '';
  const mark = (r.outcome === 'fail') !== fixed ? paint('red', 'changed') : paint('green', 'as before');
  return `${where}: ${how}, ${mark}${doubt}`;
}

export function render(result: BisectResult, steps: readonly IndexedStep[], fixed: boolean): string {
  const runs = plural(result.runs.length, 'run');
  if (!result.found) {
    const why = {
      'no-patches': 'the session changed no file: there is no step to search',
      'no-change-at-end': `the test ${fixed ? 'fails' : 'passes'} after the session's last change: no step changed it`,
      'already-at-start': `the test already ${fixed ? 'passes' : 'fails'} before the session's first change`,
    }[result.reason];
    return `${why} (${runs})`;
  }
  const step = steps.find((s) => s.index === result.step);
  const prompt = [...steps].reverse().find((s) => s.kind === 'prompt' && s.index <= result.step);
  const lines = [paint('bold', `step #${result.step} is the first after which the test ${fixed ? 'passes' : 'fails'}`) + ` (${runs} over ${plural(result.candidates, 'step')} with changes)`, ''];
  if (prompt?.kind === 'prompt') lines.push(`Prompt (step #${prompt.index}): ${prompt.text.split('\n')[0] ?? ''}`, '');
  if (step !== undefined) lines.push(renderStep(step));
  return lines.join('\n');
}
