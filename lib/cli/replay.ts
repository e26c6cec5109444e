// git trace replay ID [--from N] [--to N] [--speed X]: play a session's timeline step by step.
// On a terminal the pauses follow the recorded time between steps (scaled, capped); into a pipe
// it prints plain text at once.

import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../errors.js';
import { loadSession } from '../replay/load.js';
import { checkStep } from '../replay/step-spec.js';
import { DEFAULT_MAX_DELAY_MS, playbackDelays, stepBlock, type StepBlock } from '../replay/timeline.js';
import { parseCommand } from './args.js';
import { outJson, paint, type Style } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace replay [--from N] [--to N] [--speed X] [--json] ID

Play a session's timeline step by step: prompts, reasoning summaries, tool calls with
their results, and the patches they made. On a terminal, the pause before each step
follows the recorded time since the previous one, divided by the speed and capped at
${DEFAULT_MAX_DELAY_MS / 1000}s; into a pipe, plain text with no pauses.

    --from N     start at step N (default 0)
    --to N       stop after step N (default: the last)
    --speed X    play X times faster than recorded (default 1)
    --json       print the steps with their pauses as JSON, at once`;

const STYLE: Readonly<Record<StepBlock['kind'], Style>> = { prompt: 'green', message: 'cyan', reasoning: 'dim', tool: 'yellow', compaction: 'magenta', subagent: 'magenta' };

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { from: { type: 'string' }, to: { type: 'string' }, speed: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [id, ...extra] = args.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('replay takes one session ID', { hint: 'usage: git trace replay [--from N] [--speed X] ID (a capsule replays with: git trace capsule replay FILE)' });
  const speed = args.values.speed === undefined ? 1 : Number(args.values.speed);
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed needs a positive number, not '${args.values.speed}'`);
  const from = stepNumber(args.values.from, '--from') ?? 0;
  const repo = await context.repo();
  const loaded = await loadSession(repo, id);
  const steps = loaded.stored.steps;
  checkStep(loaded.id, from, steps.length);
  const to = stepNumber(args.values.to, '--to') ?? steps.length - 1;
  if (to < from) throw new UsageError(`--to ${to} comes before --from ${from}`);
  const played = steps.slice(from, to + 1);
  const delays = playbackDelays(played, { speed, maxDelayMs: DEFAULT_MAX_DELAY_MS });
  if (args.values.json === true) {
    outJson({ version: 1, session: loaded.id, from, to: Math.min(to, steps.length - 1), speed, steps: played.map((step, i) => ({ delayMs: delays[i] ?? 0, step })) });
    return 0;
  }
  const live = process.stdout.isTTY === true;
  process.stdout.write(`${paint('bold', `session ${loaded.id}`)}: steps ${from}..${Math.min(to, steps.length - 1)}${live ? ` at ${speed}x` : ''}\n`);
  for (const [i, step] of played.entries()) {
    if (live) await sleep(delays[i] ?? 0);
    const block = stepBlock(step);
    process.stdout.write(`\n${paint(STYLE[block.kind], `── ${block.title}`)}\n${block.lines.join('\n')}\n`);
  }
  return 0;
}

function stepNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} needs a step number, not '${text}'`);
  return Number(text);
}
