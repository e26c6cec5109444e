// git trace audit [ID | --since DATE]: risky actions agents took, by rule, with the step that
// took each. Exit 1 when a high-severity rule fires, so that CI can gate on it.

import { auditSteps, rulesFor, type Finding } from '../insights/audit.js';
import { AUDIT_RULES } from '../insights/audit-rules.js';
import { readSessions, selectSessions } from '../insights/sessions.js';
import { parseCommand, parseSessionScope } from './args.js';
import type { CommandContext } from './commands.js';
import { oneLine, plural, table } from './format.js';
import { info, out, outJson, reportUnreadable, warn } from './output.js';

const HELP = `usage: git trace audit [--since DATE] [--agent AGENT] [--json] [ID]
   or: git trace audit --rules

Flag the risky actions agents took, each with the session and step that took it:
${AUDIT_RULES.map((r) => `    ${r.id.padEnd(20)} ${r.severity.padEnd(7)}${r.summary}`).join('\n')}

With ID, one session; else every session (since DATE, of AGENT). A repository silences a rule
with 'git config --add trace.auditDisable ID' and adds its own, matched against shell
commands, with 'git config --add trace.auditRule "ID SEVERITY REGEX"'.

    --since DATE   only sessions since DATE (2026-11-01, or an age: 7d, 12h, 2w)
    --agent AGENT  only this agent's sessions
    --rules        list the rules in force, with an example of each
    --json         print {version, findings: [{session, step, rule, severity, summary, evidence}]}

Exit status: 1 when a rule of severity high fired, else 0.`;

const ORDER = { high: 0, medium: 1, low: 2 } as const;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { since: { type: 'string' }, agent: { type: 'string' }, rules: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const { id, filter } = parseSessionScope('audit', args.positionals, args.values);
  const repo = await context.repo();
  const { rules, problems } = await rulesFor(repo.git.repo);
  for (const problem of problems) warn(problem);
  if (args.values.rules === true) {
    if (args.values.json === true) outJson({ version: 1, rules: rules.map(({ id: rid, severity, summary, example }) => ({ id: rid, severity, summary, example })) });
    else out(table([['RULE', 'SEVERITY', 'WHAT', 'EXAMPLE'], ...rules.map((r) => [r.id, r.severity, r.summary, r.example])]));
    return 0;
  }
  const ids = await selectSessions(repo, id, filter);
  if (id === undefined) reportUnreadable(repo);
  const findings: Finding[] = [];
  for await (const { id: sessionId, session } of readSessions(repo, ids)) findings.push(...auditSteps(sessionId, session.steps, rules, repo.git.repo.workTree));
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.session.localeCompare(b.session) || a.step - b.step || a.rule.localeCompare(b.rule));
  const high = findings.some((f) => f.severity === 'high');
  if (args.values.json === true) outJson({ version: 1, sessions: ids.length, findings });
  else if (findings.length === 0) info(`no risky action in ${plural(ids.length, 'session')}`);
  else {
    const rows = findings.map((f) => [f.severity, f.rule, `${f.session.slice(0, 8)} #${f.step}`, oneLine(f.evidence, 80)]);
    out(table([['SEVERITY', 'RULE', 'STEP', 'EVIDENCE'], ...rows]));
    info(`${plural(findings.length, 'finding')} in ${plural(ids.length, 'session')}`);
  }
  return high ? 1 : 0;
}
