// git trace import: store sessions from the agents' own transcript files, or from normalized
// steps JSONL (--format steps).

import type { RedactionCounts } from '../crypto/redact.js';
import { importStepsFiles } from '../import/steps-import.js';
import { importTranscripts, type TranscriptImportResult } from '../import/transcripts.js';
import { readRedactionConfig } from '../repo-config.js';
import { UsageError } from '../errors.js';
import { AGENTS, isAgentName, type AgentName } from '../model/session.js';
import { openCatalogForWrites } from './repo.js';
import { progressBar } from './progress.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace import [--agent AGENT] [--json] [--] [PATH...]
   or: git trace import --format steps [--json] [--] FILE...

With no PATH, find every session that an installed agent (${AGENTS.join(', ')}) ran in this
repository, from the agents' own transcript files, and store it. A PATH given explicitly is
imported even when its session ran in another folder (with a warning); its agent is detected
from the file, or named with --agent. Re-running reads only what the agents appended since.

With --format steps, each FILE is normalized steps JSONL (a "session" line, then its "step"
lines). Importing the same file again adds nothing.

Bad lines are reported with file and line number and skipped; the exit code is 1 only when
nothing at all could be read. A session forgotten with 'git trace forget' is not imported again
(a warning names it): its tombstone keeps it out.

    --agent AGENT    only this agent's transcripts
    --format steps   the input is normalized steps JSONL
    --quiet          no progress on the terminal
    --json           print the result as JSON`;

export interface ImportSummary {
  readonly version: 1;
  readonly sessions: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly badLines: number;
  /** Secrets redacted, by kind. */
  readonly redactions: RedactionCounts;
  /** Sessions not imported because they were forgotten here (absent when none). */
  readonly forgotten?: readonly string[];
}

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { format: { type: 'string' }, agent: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const agent = args.values.agent;
  if (agent !== undefined && !isAgentName(agent)) throw new UsageError(`unknown agent '${agent}'`, { hint: `agents: ${AGENTS.join(', ')}` });
  if (args.values.format === undefined) return importAgentTranscripts(args.positionals, agent, args.values.json === true, context);
  if (args.values.format !== 'steps') throw new UsageError(`unknown format '${args.values.format}'`, { hint: 'the only format is steps (normalized steps JSONL)' });
  if (args.positionals.length === 0) throw new UsageError('no FILE to import', { hint: 'usage: git trace import --format steps FILE...' });
  return importSteps(args.positionals, { json: args.values.json === true, quiet: args.values.quiet === true }, context);
}

async function importSteps(files: readonly string[], flags: { readonly json: boolean; readonly quiet: boolean }, context: CommandContext): Promise<number> {
  const repo = await context.repo();
  const redaction = await readRedactionConfig(repo.git.repo);
  await openCatalogForWrites(repo);
  const progress = progressBar('storing sessions', { quiet: flags.quiet });
  const imported = await importStepsFiles(repo, files, { redaction, warn, progress: progress.update });
  progress.done();
  const { validLines, forgotten, ...counts } = imported;
  reportForgotten(forgotten);
  const result: ImportSummary = { version: 1, ...counts, ...(forgotten.length > 0 ? { forgotten } : {}) };
  if (flags.json) outJson(result);
  else {
    out(
      [
        `imported ${plural(result.sessions, 'session')}: ${result.added} new steps, ${result.updated} updated, ${result.unchanged} already stored${result.badLines > 0 ? `, ${result.badLines} bad lines skipped` : ''}`,
        ...renderRedactions(result.redactions),
      ].join('\n'),
    );
  }
  return validLines === 0 ? 1 : 0;
}

async function importAgentTranscripts(paths: readonly string[], agent: AgentName | undefined, json: boolean, context: CommandContext): Promise<number> {
  const repo = await context.repo();
  const redaction = await readRedactionConfig(repo.git.repo);
  await openCatalogForWrites(repo);
  const tty = process.stderr.isTTY === true;
  const result = await importTranscripts(repo, {
    ...(agent === undefined ? {} : { agent }),
    paths,
    env: process.env,
    redaction,
    warn,
    progress: (done, total) => {
      if (tty && total > 1) process.stderr.write(done === total ? '\r\x1b[K' : `\rimporting ${done + 1}/${total}`);
    },
  });
  const { forgotten, ...rest } = result;
  reportForgotten(forgotten);
  if (json) outJson({ version: 1, ...rest, ...(forgotten.length > 0 ? { forgotten } : {}) });
  else out(renderTranscriptImport(result));
  return result.files.length === 0 && result.failed > 0 ? 1 : 0;
}

function renderTranscriptImport(result: TranscriptImportResult): string {
  if (result.files.length === 0 && result.failed === 0) return 'nothing new to import';
  return [
    `imported ${plural(result.files.length, 'file')} into ${plural(result.sessions, 'session')}: ${result.added} new steps, ${result.updated} updated, ${result.unchanged} already stored`,
    ...renderRedactions(result.redactions),
    ...(result.failed > 0 ? [`${plural(result.failed, 'file')} could not be imported (see the warnings)`] : []),
  ].join('\n');
}

/** A forgotten session stays out until its tombstone is removed: say so, once per session. */
function reportForgotten(ids: readonly string[]): void {
  for (const id of ids) warn(`not importing session '${id}': it was forgotten here (git trace forget)`);
}

/** The line saying what was redacted, when anything was. */
function renderRedactions(counts: RedactionCounts): string[] {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return total === 0 ? [] : [`redacted ${plural(total, 'secret')} (${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')})`];
}
