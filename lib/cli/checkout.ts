// git trace checkout ID@N [--worktree DIR]: the work tree as it was after step N, rebuilt in a new
// detached worktree from the base commit, the starting uncommitted state and the trail patches
// (observed ones where live capture saw the step). The user's own work tree is never touched.

import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NotFoundError, UsageError } from '../errors.js';
import type { ApplyReport } from '../replay/apply.js';
import { loadSession, requireBase } from '../replay/load.js';
import { resolveCommit } from '../trail/revision.js';
import { parseStepSpec, requireStep } from '../replay/step-spec.js';
import { reliesOnReported, trailUpTo } from '../replay/trail.js';
import { addDetachedWorktree, applyEpisode, hasCommit } from '../replay/worktree.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace checkout [--worktree DIR] [--base REV] [--json] ID@N

Rebuild the work tree as it was right after step N of session ID, in a new detached
worktree (never yours): the session's base commit, the uncommitted state it started
from, then each step's patches up to N (the changes observed on disk when live capture
saw the step, else the agent's own report).

    --worktree DIR   where to put it (a new or empty folder); default a new temporary folder
    --base REV       start from REV, not the session's base commit (recorded by live capture
                     or Codex, inferred at import for the other agents)
    --json           print {session, step, worktree, base, patches, failed} as JSON`;

const SYNOPSIS = 'usage: git trace checkout [--worktree DIR] [--base REV] [--json] ID@N';

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { worktree: { type: 'string' }, base: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [specText, ...extra] = args.positionals;
  if (specText === undefined || extra.length > 0) throw new UsageError('checkout takes one ID@N', { hint: SYNOPSIS });
  const spec = parseStepSpec(specText);
  const dir = args.values.worktree === undefined ? null : resolve(args.values.worktree);
  if (dir !== null && existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`'${dir}' is not empty`, { hint: 'name a new or empty folder with --worktree' });
  const repo = await context.repo();
  const loaded = await loadSession(repo, spec.id);
  const { step } = requireStep({ ...spec, id: loaded.id }, loaded.stored.steps.length, SYNOPSIS);
  const base = args.values.base === undefined ? requireBase(loaded) : await resolveCommit(repo.git.repo, args.values.base);
  const repoDir = repo.git.repo.workTree ?? repo.git.repo.gitDir;
  if (!(await hasCommit(repoDir, base))) {
    throw new NotFoundError(`the base commit ${base.slice(0, 12)} of session '${loaded.id}' is not in this repository`, { hint: 'fetch it from the remote it was pushed to, then try again' });
  }
  const trail = trailUpTo(loaded.stored.steps, step);
  const target = dir ?? mkdtempSync(join(tmpdir(), `git-trace-checkout-${loaded.id.slice(0, 8)}-${step}-`));
  await addDetachedWorktree(repoDir, target, base);
  const report = await applyEpisode(target, loaded.startState, trail);
  if (reliesOnReported(trail)) warn('some steps were not seen by live capture: their patches are the agent\'s own report, and the tree may differ from what was on disk');
  const result = { version: 1, session: loaded.id, step, worktree: target, base, startState: loaded.startState.length, patches: report.results, failed: report.failed };
  if (args.values.json === true) outJson(result);
  else out(render(loaded.id, step, target, base, loaded.startState.length, report));
  return report.failed === 0 ? 0 : 1;
}

function render(id: string, step: number, dir: string, base: string, startFiles: number, report: ApplyReport): string {
  const applied = report.results.filter((r) => r.outcome !== 'failed' && r.step !== null).length;
  const steps = new Set(report.results.filter((r) => r.step !== null).map((r) => r.step)).size;
  const lines = [
    `Checked out session ${id} after step ${step} in ${dir}`,
    `  base ${base.slice(0, 12)}, ${startFiles === 0 ? 'no uncommitted starting state' : `starting state: ${plural(startFiles, 'file')}`}, ${plural(applied, 'patch', 'patches')} from ${plural(steps, 'step')}`,
  ];
  for (const r of report.results.filter((x) => x.outcome === 'failed')) {
    lines.push(`  error: ${r.step === null ? 'the starting state' : `step ${r.step}`}: '${r.path}' did not apply: ${r.reason ?? ''}`);
  }
  if (report.failed > 0) lines.push(`The worktree is left as far as it got; remove it with: git worktree remove --force ${dir}`);
  else lines.push(`Remove it when done: git worktree remove --force ${dir}`);
  return lines.join('\n');
}
