// git trace cost: tokens and cost of the stored sessions, grouped by session, model, day or agent.

import { aggregateCost, COST_GROUPINGS, type CostGrouping, type CostReport, type CostRules } from '../analysis/cost.js';
import { UsageError } from '../errors.js';
import { AGENTS } from '../model/session.js';
import { usageSessions } from '../catalog/usage.js';
import { parseCommand, parseSessionFilter } from './args.js';
import { table } from './format.js';
import { out, outJson, paint, reportUnreadable } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace cost [--by session|model|day|agent] [--rules ccusage|published]
                      [--agent AGENT] [--since DATE] [--json]

Tokens and cost of the sessions stored here, priced from the dated table shipped with
git-trace (a cost the agent recorded itself, as pi does, is taken as it is).

    --by KEY        group rows by session (default), model, day (UTC) or agent
    --rules RULES   ccusage (default): count like ccusage@18, so totals for Claude Code
                    sessions equal its own; published: the vendors' billing rules (the
                    largest usage seen per response, one-hour cache writes at their price)
    --agent AGENT   only sessions of this agent (${AGENTS.join(', ')})
    --since DATE    only sessions active since DATE (2026-11-01, or an age: 7d, 12h, 2w)
    --json          print {totals, rows}; totals has inputTokens, outputTokens,
                    cacheReadTokens, cacheWriteTokens and costUSD`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(
    argv,
    { by: { type: 'string' }, rules: { type: 'string' }, agent: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } },
    HELP,
  );
  if (args === null) return 0;
  const by = (args.values.by ?? 'session') as CostGrouping;
  if (!COST_GROUPINGS.includes(by)) throw new UsageError(`cannot group by '${args.values.by}'`, { hint: `use one of: ${COST_GROUPINGS.join(', ')}` });
  const rules = (args.values.rules ?? 'ccusage') as CostRules;
  if (rules !== 'ccusage' && rules !== 'published') throw new UsageError(`unknown rules '${args.values.rules}'`, { hint: 'use ccusage or published' });
  const filter = parseSessionFilter(args.values);
  const repo = await context.repo();
  // The catalog keeps each step's usage: up to date with the refs (decrypting only sessions
  // that changed), it answers without decrypting the rest.
  const catalog = await repo.catalog();
  reportUnreadable(repo, { required: true });
  const report = aggregateCost(usageSessions(catalog.db, filter), by, { rules });
  if (args.values.json === true) outJson({ version: 1, ...report });
  else out(renderCost(report));
  return 0;
}

export function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2)}`;
}

function renderCost(report: CostReport): string {
  const header = [report.by.toUpperCase(), 'INPUT', 'OUTPUT', 'CACHE READ', 'CACHE WRITE', 'COST'];
  const row = (key: string, t: CostReport['totals']): string[] => [key, String(t.inputTokens), String(t.outputTokens), String(t.cacheReadTokens), String(t.cacheWriteTokens), usd(t.costUSD)];
  const lines = table([header, ...report.rows.map((r) => row(r.key, r)), row('total', report.totals)]).split('\n');
  lines[0] = paint('bold', lines[0] ?? '');
  lines.push('', paint('dim', `priced from the table of ${report.pricingDate}, ${report.rules} rules`));
  if (report.totals.unpricedModels.length > 0) lines.push(`no price for ${report.totals.unpricedModels.join(', ')} (counted as $0)`);
  return lines.join('\n');
}
