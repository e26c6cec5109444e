// git trace insights [ID | --since DATE]: what went wrong in a session and what it cost, as
// deterministic signals with the steps that show them, and a scorecard; over many sessions, the
// recurring problems ranked by how many sessions show them. Rules: lib/insights/insight-rules.ts.

import { GRADES, SCORE_FORMULA } from '../insights/insight-rules.js';
import { INSIGHTS_VERSION, sessionInsights, summarize, type SessionInsights, type InsightsSummary } from '../insights/insights.js';
import { readSessions, selectSessions } from '../insights/sessions.js';
import { parseCommand, parseSessionScope } from './args.js';
import type { CommandContext } from './commands.js';
import { oneLine, plural, table } from './format.js';
import { info, out, outJson, paint, reportUnreadable } from './output.js';
import { warnUntrusted } from './untrusted.js';

const HELP = `usage: git trace insights [--json] ID
   or: git trace insights [--since DATE] [--agent AGENT] [--json]

What went wrong in a session, each signal with the steps that show it:
    failure        a tool call failed; then fixed (a later call of the same kind passed),
                   retried (later ones all failed) or abandoned (none came later)
    loop           the same call 3× with the same failing result, or the same edit made twice
    re-steer       the person interrupted a tool call, or corrected the agent after one
                   ("no", "stop", "don't", "wrong", "that's not"…)
    unused-output  a tool output of 8 KiB or more none of whose lines was used later
    re-read        a file read again with no change to it in between
    compaction     the context was compacted (its cost: the tokens it replaced)
    patch-undone   a patch track finds reverted or lost at HEAD (one session only)
and a score:
${wrap(`${SCORE_FORMULA}. Grades: ${GRADES.map(([min, g]) => (min === 0 ? `else ${g}` : `${g} from ${min}`)).join(', ')}.`, 88, '    ')}

Without ID, every session (since DATE, of AGENT): the recurring problems, ranked by how
many sessions show them, with example steps; the calls that failed in more than one
session; and each session's score.

    --since DATE   only sessions since DATE (2026-11-01, or an age: 7d, 12h, 2w)
    --agent AGENT  only this agent's sessions
    --json         ID: print {version, session, signals, survival, scorecard};
                   else {version, sessions, problems, failingCalls, scores}`;

/** Words to lines of at most `width` characters, each after `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { since: { type: 'string' }, agent: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const { id, filter } = parseSessionScope('insights', args.positionals, args.values);
  const repo = await context.repo();
  const ids = await selectSessions(repo, id, filter);
  if (id === undefined) reportUnreadable(repo);
  const all: SessionInsights[] = [];
  for await (const { id: sessionId, session } of readSessions(repo, ids)) all.push(await sessionInsights(repo, sessionId, session, id !== undefined));
  await warnUntrusted(repo, ids);
  const json = args.values.json === true;
  if (id !== undefined) {
    const one = all[0] as SessionInsights;
    if (json) outJson({ version: INSIGHTS_VERSION, ...one });
    else out(renderSession(one));
    return 0;
  }
  const summary = summarize(all);
  if (json) outJson({ version: INSIGHTS_VERSION, ...summary });
  else if (summary.sessions === 0) info('no sessions');
  else out(renderSummary(summary));
  return 0;
}

export function renderSession(insights: SessionInsights): string {
  const { session, signals, scorecard: card, survival } = insights;
  const lines = [paint('bold', `session ${session.id}`) + (session.title === null ? '' : `  ${oneLine(session.title, 60)}`), `${session.agent}, ${plural(session.steps, 'step')}`, ''];
  if (signals.length === 0) lines.push('no signal: nothing failed, looped, was corrected or wasted');
  else lines.push(table([['STEP', 'SIGNAL', 'WHAT', 'STEPS'], ...signals.map((s) => [`#${s.step}`, s.kind, oneLine(s.summary, 90), s.steps.map((n) => `#${n}`).join(' ')])]));
  lines.push('', paint('bold', `score ${card.score} (${card.grade})`));
  const counted = Object.entries(card.counts).filter(([, n]) => n > 0);
  lines.push(counted.length === 0 ? '  no penalty' : `  ${counted.map(([k, n]) => `${k} ${n}${k === 'failure' ? ` (fixed ${card.failures.fixed}, retried ${card.failures.retried}, abandoned ${card.failures.abandoned})` : ''}: -${card.penalties[k as keyof typeof card.penalties]}`).join('\n  ')}`);
  lines.push(survival.judged ? `  survival at ${survival.at}: ${Object.entries(survival.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'no patches'}` : `  survival not judged: ${survival.reason}`);
  return lines.join('\n');
}

export function renderSummary(summary: InsightsSummary): string {
  const lines = [paint('bold', `recurring problems over ${plural(summary.sessions, 'session')}`)];
  if (summary.problems.length === 0) lines.push('none: no session shows a signal');
  else {
    const rows = summary.problems.map((p) => [p.problem, String(p.sessions), String(p.occurrences), p.examples.map((e) => `${e.session.slice(0, 8)}#${e.step}`).join(' ')]);
    lines.push(table([['PROBLEM', 'SESSIONS', 'TIMES', 'EXAMPLES'], ...rows]));
  }
  if (summary.failingCalls.length > 0) {
    const rows = summary.failingCalls.map((c) => [c.call, String(c.sessions), `${c.outcomes.fixed}/${c.outcomes.retried}/${c.outcomes.abandoned}`, c.examples.map((e) => `${e.session.slice(0, 8)}#${e.step}`).join(' ')]);
    lines.push('', paint('bold', 'calls failing in more than one session'), table([['CALL', 'SESSIONS', 'FIXED/RETRIED/ABANDONED', 'EXAMPLES'], ...rows]));
  }
  lines.push('', paint('bold', 'scores, lowest first'), table([['SESSION', 'SCORE', 'SIGNALS', 'TITLE'], ...summary.scores.map((s) => [s.session.slice(0, 8), `${s.score} ${s.grade}`, String(s.signals), oneLine(s.title ?? '', 50)])]));
  lines.push('', 'patch survival is judged per session: git trace insights ID');
  return lines.join('\n');
}
