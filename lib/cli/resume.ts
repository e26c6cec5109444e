// git trace resume ID@N: a compact context packet to continue the work from step N with any
// agent. What it prints leaves for another agent's context, so secrets are redacted again here.

import { UsageError } from '../errors.js';
import { redactValue } from '../crypto/redact.js';
import { buildResumePacket, type ResumePacket } from '../ctx/resume.js';
import { renderResumePacket } from '../ctx/resume-render.js';
import { survivalAfter } from '../ctx/survival-after.js';
import { readRedactionConfig } from '../repo-config.js';
import { loadSession } from '../replay/load.js';
import { checkStep, parseStepSpec } from '../replay/step-spec.js';
import { parseCommand } from './args.js';
import { out, outJson } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace resume [--json] ID[@N]

Print a compact context packet to continue session ID from step N (default: its last
step) with any agent: the goal (the prompts), what was done, what failed, what was
tried and undone (within the session, and after it: each patch's survival at HEAD, as
'git trace track' judges it), the tests and their last results, and the files that
matter. Secrets are redacted again on the way out.

    --json   print the packet as JSON`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [specText, ...extra] = args.positionals;
  if (specText === undefined || extra.length > 0) throw new UsageError('resume takes one ID[@N]', { hint: 'usage: git trace resume [--json] ID[@N]' });
  const spec = parseStepSpec(specText);
  if (spec.kind === 'range') throw new UsageError('resume takes one step, not a range', { hint: 'usage: git trace resume [--json] ID[@N]' });
  const repo = await context.repo();
  const loaded = await loadSession(repo, spec.id);
  const count = loaded.stored.steps.length;
  const step = spec.kind === 'step' ? spec.step : count - 1;
  checkStep(loaded.id, Math.max(step, 0), count);
  const survival = await survivalAfter(repo, loaded.id, step);
  const packet = buildResumePacket(loaded.stored, step, { startState: loaded.startState, survival });
  const redacted = redactValue(packet, await readRedactionConfig(repo.git.repo)).value as ResumePacket;
  if (args.values.json === true) outJson(redacted);
  else out(renderResumePacket(redacted, { hints: true }));
  return 0;
}
