// git trace stats [RANGE] [--since DATE] [--by KEY] [--json]: over a range, the lines agents
// and people added, and how much of the agents' work survives at the head, at what cost.

import { UsageError } from '../errors.js';
import { computeStats, STATS_GROUPINGS, type StatsGrouping, type StatsReport, type StatsRow, type StatsTotals } from '../trail/stats.js';
import { SURVIVAL_STATES } from '../trail/survival.js';
import { parseCommand, parseSince } from './args.js';
import { usd } from './cost.js';
import { formatDuration, plural, table } from './format.js';
import { out, outJson, paint, reportUnreadable } from './output.js';
import { STATE_STYLE } from './track.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace stats [BASE..HEAD | --since DATE] [--by agent|model|author|session|day] [--json]

Over a range of commits (default: those of HEAD in the 30 days before HEAD's commit
date, so the same history always gives the same output): the lines agents added (a
session's patch is anchored to them, as in 'blame pr') and the lines people added; each
patch those lines came from with its state at the head (as 'track' judges it: alive,
moved, transformed, partial, reverted, lost, unknown), the median time from its commit
to its revert, and the tokens and cost of the sessions behind it per surviving line. A
person's edit of an agent's line is the person's line; at the head, agent lines edited
since are counted apart from those surviving as the agent wrote them.

    --since DATE   start the window at DATE (2026-11-01, or an age before HEAD's
                   commit date: 7d, 12h, 2w); not with BASE..HEAD
    --by KEY       group rows by agent (default), model, author, session or day (UTC);
                   by author or day, a row also counts the lines people added in its
                   commits, and a patch's state and cost go to the row of its first commit
    --json         print {version, by, range, commits, rows, totals}`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { by: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const by = (args.values.by ?? 'agent') as StatsGrouping;
  if (!STATS_GROUPINGS.includes(by)) throw new UsageError(`cannot group by '${args.values.by}'`, { hint: `use one of: ${STATS_GROUPINGS.join(', ')}` });
  const [range, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError('stats takes one range', { hint: 'usage: git trace stats [BASE..HEAD | --since DATE] [--by KEY] [--json]' });
  const since = args.values.since;
  if (range !== undefined && since !== undefined) throw new UsageError('give either BASE..HEAD or --since, not both');
  if (since !== undefined) parseSince(since); // a bad date is a usage error before any work
  const repo = await context.repo();
  const report = await computeStats(repo, { by, ...(range === undefined ? {} : { range }), ...(since === undefined ? {} : { since: (head: Date) => parseSince(since, head), window: `since ${since}` }) });
  reportUnreadable(repo);
  if (args.values.json === true) outJson(report);
  else out(renderStats(report));
  return 0;
}

export function renderStats(report: StatsReport): string {
  const head = `${report.range.head.ref} (${report.range.head.commit.slice(0, 12)})`;
  const lines = [
    report.range.base === null
      ? `${plural(report.commits.length, 'commit')} of ${head} since ${report.range.since ?? '-'}`
      : `${plural(report.commits.length, 'commit')}, ${report.range.base.slice(0, 12)}..${head}`,
    '',
  ];
  const t = report.totals;
  lines.push(`${t.addedLines} lines added: ${t.agentLines} by agents (${percent(t.share)}), ${t.humanLines} by people`);
  if (t.survivingLines + t.editedLines > 0) lines.push(`at the head: ${t.survivingLines} agent lines as written${t.editedLines === 0 ? '' : `, ${t.editedLines} edited since (counted as the editor's)`}`);
  const states = SURVIVAL_STATES.filter((s) => t.patches[s] > 0);
  const withHuman = report.by === 'author' || report.by === 'day';
  const header = [report.by.toUpperCase(), 'AGENT', ...(withHuman ? ['HUMAN'] : []), 'SHARE', ...states.map((s) => s.toUpperCase()), 'TO REVERT', 'TOKENS', 'COST', 'PER LINE'];
  const row = (key: string, r: StatsRow | StatsTotals): string[] => [
    key,
    String(r.agentLines),
    ...(withHuman ? [String(r.humanLines)] : []),
    percent(r.share),
    ...states.map((s) => (r.patches[s] === 0 ? '-' : paint(STATE_STYLE[s], `${r.patches[s]}/${r.lines[s]}`))),
    r.medianRevertSeconds === null ? '-' : formatDuration(r.medianRevertSeconds * 1000),
    String(r.tokens.input + r.tokens.output + r.tokens.cacheRead + r.tokens.cacheWrite),
    usd(r.costUSD),
    r.costPerSurvivingLine === null ? '-' : perLine(r.costPerSurvivingLine),
  ];
  if (report.rows.length > 0) {
    const rendered = table([header, ...report.rows.map((r) => row(r.key, r)), row('total', t)]).split('\n');
    rendered[0] = paint('bold', rendered[0] ?? '');
    lines.push('', ...rendered);
    if (states.length > 0) lines.push('', paint('dim', 'state columns: patches/lines; to revert: the median time from commit to revert'));
  } else lines.push('', 'no agent work in this range');
  return lines.join('\n');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

// A line often costs less than a hundredth of a cent: two significant digits, not $0.0000.
function perLine(value: number): string {
  return value !== 0 && Math.abs(value) < 0.0001 ? `$${value.toPrecision(2)}` : usd(value);
}
