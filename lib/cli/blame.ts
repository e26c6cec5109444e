// git trace blame FILE [-L a,b] [REV]: per line, the commit and, when an agent wrote it, the
// session, step, agent, model and the prompt that drove it; a person's edit of an agent's line
// is the person's, shown with the step it was edited from.
// git trace blame pr [BASE..HEAD | --base BRANCH]: the same for a branch, as a pull request body.

import { UsageError } from '../errors.js';
import { startBlame, type LineRange } from '../trail/blame-porcelain.js';
import { blameFile, type BlameResult } from '../trail/blame.js';
import { parseCommand } from './args.js';
import { out, outJson, paint, reportUnreadable, warn } from './output.js';
import { warnUntrusted } from './untrusted.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace blame [-L a,b] [--json] FILE [REV]
   or: git trace blame [-L a,b] [--json] REV -- FILE
   or: git trace blame pr [BASE..HEAD | --base BRANCH] [--by session|commit] [--json]

For each line of FILE at REV (default HEAD): the commit that last changed it and, when a
coding agent wrote it, the session, step, agent, model and the prompt that drove it. A
line an agent wrote and a person edited since is the person's, shown with the agent's
step it came from: 'human (edited from SESSION #STEP)'. A change of whitespace or
formatting only leaves a line the agent's. Lines no session produced show '-'.

    -L a,b     only lines a to b (also a,+n and a,)
    --json     print an array: per line {line, commit, by, session, step, stepId, agent,
               model, prompt, edited, origin, claims, author, text}; 'by' is 'agent' or
               'human'; an edited line has by 'human', null session fields, edited true
               and origin {session, step, stepId, agent, model, prompt}

'git trace blame pr --help' explains the pull request form.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  if (argv[0] === 'pr') return runPr(argv.slice(1), context);
  const dashes = argv.indexOf('--');
  const before = dashes === -1 ? argv : argv.slice(0, dashes);
  const args = parseCommand(before, { L: { type: 'string', short: 'L' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const { file, rev } = fileAndRev(args.positionals, dashes === -1 ? null : argv.slice(dashes + 1));
  const range = args.values.L === undefined ? undefined : parseRange(args.values.L);
  // git blame first: it runs while the repository and the catalog are opened. With -L, blameFile
  // runs it itself, so that a range past the end is reported its way.
  const started = range === undefined ? startBlame(process.cwd(), rev ?? 'HEAD', file) : undefined;
  const repo = await context.repo();
  const result = await blameFile(repo, file, { ...(rev === undefined ? {} : { rev }), ...(range === undefined ? {} : { range }), ...(started === undefined ? {} : { started }), cwd: process.cwd(), warn });
  // Lines of sessions it cannot read would pass for people's, and a forged session's for an
  // agent's (or for the origin of a person's edit): say so.
  reportUnreadable(repo);
  await warnUntrusted(repo, result.lines.flatMap((l) => (l.session !== null ? [l.session] : l.origin !== null ? [l.origin.session] : [])));
  // An array, as ever; each row carries `version`, as every JSON object we print does.
  if (args.values.json === true) outJson(result.lines.map((l) => ({ version: 1, ...l })));
  else out(renderBlame(result));
  return 0;
}

function fileAndRev(positionals: readonly string[], afterDashes: readonly string[] | null): { file: string; rev: string | undefined } {
  const synopsis = 'usage: git trace blame [-L a,b] [--json] FILE [REV]';
  if (afterDashes !== null) {
    if (afterDashes.length !== 1 || positionals.length > 1) throw new UsageError('blame takes one FILE after --', { hint: synopsis });
    return { file: afterDashes[0] as string, rev: positionals[0] };
  }
  if (positionals.length === 0 || positionals.length > 2) throw new UsageError('blame takes a FILE and at most one REV', { hint: synopsis });
  return { file: positionals[0] as string, rev: positionals[1] };
}

/** `a,b`, `a,+n` or `a,` (to the end), 1-based. */
export function parseRange(spec: string): LineRange {
  const match = /^(\d+)(?:,(\+?)(\d*))?$/.exec(spec.trim());
  const from = Number(match?.[1]);
  if (match === null || from < 1) throw new UsageError(`-L needs a,b with line numbers from 1, not '${spec}'`);
  if (match[3] === undefined || match[3] === '') return match[2] === '+' ? invalid(spec) : { from };
  const n = Number(match[3]);
  const to = match[2] === '+' ? from + n - 1 : n;
  if (to < from) throw new UsageError(`-L ${spec}: the range ends before it starts`);
  return { from, to };
}

function invalid(spec: string): never {
  throw new UsageError(`-L needs a,b with line numbers from 1, not '${spec}'`);
}

export function renderBlame(result: BlameResult): string {
  const width = String(result.lines[result.lines.length - 1]?.line ?? 1).length;
  const who = result.lines.map((l) => (l.session !== null ? stepTag(l.session, l.step) : l.origin !== null ? `human (edited from ${stepTag(l.origin.session, l.origin.step)})` : '-'));
  const whoWidth = Math.max(1, ...who.map((w) => w.length));
  const rows = result.lines.map((l, i) => {
    const tag = (who[i] ?? '-').padEnd(whoWidth);
    return `${paint('dim', l.commit.slice(0, 8))} ${l.session === null ? paint('dim', tag) : paint('cyan', tag)} ${String(l.line).padStart(width)}) ${l.text}`;
  });
  const legend = new Map<string, string>();
  for (const l of result.lines) {
    const step = l.session !== null ? { session: l.session, step: l.step, agent: l.agent, model: l.model, prompt: l.prompt } : l.origin;
    if (step === null) continue;
    const k = stepTag(step.session, step.step);
    if (legend.has(k)) continue;
    const detail = [step.agent, step.model].filter((x) => x !== null).join(' ');
    legend.set(k, `${k}  ${step.session} step ${step.step ?? '?'}${detail === '' ? '' : ` (${detail})`}${step.prompt === null ? '' : `\n${' '.repeat(k.length + 2)}prompt: "${step.prompt}"`}`);
  }
  const agentLines = result.lines.filter((l) => l.session !== null).length;
  const editedLines = result.lines.filter((l) => l.origin !== null).length;
  const summary = `${agentLines} of ${result.lines.length} lines from agent sessions${editedLines === 0 ? '' : `, ${editedLines} edited by people since`}`;
  return [...rows, '', paint('dim', summary), ...[...legend.values()]].join('\n');
}

function stepTag(session: string, step: number | null): string {
  return `${shortSession(session)} #${step ?? '?'}`;
}

function shortSession(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

const PR_HELP = `usage: git trace blame pr [BASE..HEAD | --base BRANCH] [--by session|commit] [--prompts MODE] [--format markdown|github] [--json]

The commits of a branch walked back to the agent sessions and steps that produced them, as
Markdown ready for a pull request body: per session the intent (its prompts, quoted), the
lineage (session → steps → patches → commits) and the evidence (commands and tests run with
their exit codes, files read); per commit its message; next to the diff. The same history
always gives the same output.

It is meant to leave the machine, so what comes from the sessions is scrubbed first: secrets
redacted again, home paths and the repository's path replaced ('~', '<repo>'), your login and
git user name and email replaced ('[user]'), and each prompt cut to an excerpt.

    BASE..HEAD     the commits reachable from HEAD and not from BASE
    --base BRANCH  from the merge-base with BRANCH to HEAD (default: the merge-base with
                   the default branch: origin/HEAD, else main, else master)
    --by MODE      group by 'session' (default) or by 'commit'
    --prompts MODE 'excerpt' (default: each prompt's first lines, a few hundred characters
                   at most), 'full' (every prompt whole) or 'none' (left out)
    --format FORM  'markdown' (default: everything) or 'github': a comment body within
                   GitHub's 65,536 characters (a summary line, the sessions with the most
                   lines first, each collapsed, as many as fit; the rest counted)
    --json         print {base, head, commits, sessions, diff, egress}`;

async function runPr(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { base: { type: 'string' }, by: { type: 'string' }, prompts: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } }, PR_HELP);
  if (args === null) return 0;
  const [range, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError('blame pr takes at most one range', { hint: 'usage: git trace blame pr [BASE..HEAD | --base BRANCH]' });
  const by = args.values.by ?? 'session';
  if (by !== 'session' && by !== 'commit') throw new UsageError(`--by takes 'session' or 'commit', not '${by}'`);
  const format = args.values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'github') throw new UsageError(`--format takes 'markdown' or 'github', not '${format}'`);
  const prompts = args.values.prompts ?? 'excerpt';
  if (prompts !== 'excerpt' && prompts !== 'full' && prompts !== 'none') throw new UsageError(`--prompts takes 'excerpt', 'full' or 'none', not '${prompts}'`);
  // `blame FILE` never pays for loading what only `blame pr` uses.
  const [repo, { blamePr }, { renderPrMarkdown, renderPrGithub }, { prForEgress }, { readRedactionConfig }, { scrubberForRepo }] = await Promise.all([
    context.repo(),
    import('../trail/blame-pr.js'),
    import('../trail/pr-markdown.js'),
    import('../trail/pr-egress.js'),
    import('../repo-config.js'),
    import('../egress/scrub.js'),
  ]);
  const [report, redaction, scrubber] = await Promise.all([
    blamePr(repo, { ...(range === undefined ? {} : { range }), ...(args.values.base === undefined ? {} : { base: args.values.base }), warn }),
    readRedactionConfig(repo.git.repo),
    scrubberForRepo(repo.git.repo),
  ]);
  reportUnreadable(repo);
  await warnUntrusted(repo, report.sessions.map((x) => x.id));
  const shared = prForEgress(report, { prompts, redaction, scrubber });
  if (args.values.json === true) outJson(shared);
  else process.stdout.write(format === 'github' ? renderPrGithub(shared) : renderPrMarkdown(shared, by));
  return 0;
}
