// git trace import: store sessions from the agents' own transcript files, from normalized
// steps JSONL (--format steps), or from Agent Trace records (--format agent-trace).

import { readFile } from 'node:fs/promises';
import type { RedactionCounts } from '../crypto/redact.js';
import { importAgentTrace, type AgentTraceImportResult, type TraceInput } from '../import/agent-trace-import.js';
import { importStepsFiles } from '../import/steps-import.js';
import { importTranscripts, type TranscriptImportResult } from '../import/transcripts.js';
import { readRedactionConfig } from '../repo-config.js';
import { InputError, UsageError } from '../errors.js';
import { AGENTS, isAgentName, type AgentName } from '../model/session.js';
import { openCatalogForWrites } from './repo.js';
import { progressBar } from './progress.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace import [--agent AGENT] [--json] [--] [PATH...]
   or: git trace import --format steps [--json] [--] FILE...
   or: git trace import --format agent-trace [--agent AGENT] [--json] [--] FILE...|-

With no PATH, find every session that an installed agent (${AGENTS.join(', ')}) ran in this
repository, from the agents' own transcript files, and store it. A PATH given explicitly is
imported even when its session ran in another folder (with a warning); its agent is detected
from the file, or named with --agent. Re-running reads only what the agents appended since.

With --format steps, each FILE is normalized steps JSONL (a "session" line, then its "step"
lines). Importing the same file again adds nothing.

With --format agent-trace, each FILE (or - for standard input) holds Agent Trace records
(one JSON record, an array of them, or one per line), as 'git trace export --format
agent-trace' and other tools (Cursor, agentdiff) write them. Each conversation becomes a
session whose lines, read at the record's revision, blame then attributes to it. A record
that is not valid Agent Trace, or whose revision is not in this repository, is reported and
skipped. Records that name no agent git-trace knows take --agent's. Importing the same file
again adds nothing.

Bad lines are reported with file and line number and skipped; the exit code is 1 only when
nothing at all could be read. A session forgotten with 'git trace forget' is not imported again
(a warning names it): its tombstone keeps it out.

    --agent AGENT    only this agent's transcripts (agent-trace: the agent of records
                     that do not name one)
    --format FORMAT  steps (normalized steps JSONL) or agent-trace (Agent Trace records)
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
  if (args.values.format === 'agent-trace') {
    if (args.positionals.length === 0) throw new UsageError('no FILE to import', { hint: 'usage: git trace import --format agent-trace FILE...|-' });
    return importTraceRecords(args.positionals, { json: args.values.json === true, quiet: args.values.quiet === true, ...(agent === undefined ? {} : { agent }) }, context);
  }
  if (args.values.format !== 'steps') throw new UsageError(`unknown format '${args.values.format}'`, { hint: 'formats: steps (normalized steps JSONL), agent-trace (Agent Trace records)' });
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

/** The `--json` result of `import --format agent-trace`: the counts, and the lists only when not empty. */
export type AgentTraceImportSummary = { readonly version: 1 } & Omit<AgentTraceImportResult, 'forgotten' | 'recorded'> & {
  readonly forgotten?: readonly string[];
  readonly recorded?: readonly string[];
};

async function importTraceRecords(files: readonly string[], flags: { readonly json: boolean; readonly quiet: boolean; readonly agent?: AgentName }, context: CommandContext): Promise<number> {
  const inputs = await Promise.all(files.map(readInput));
  const repo = await context.repo();
  const redaction = await readRedactionConfig(repo.git.repo);
  await openCatalogForWrites(repo);
  const progress = progressBar('storing sessions', { quiet: flags.quiet });
  const imported = await importAgentTrace(repo, inputs, { redaction, warn, progress: progress.update, ...(flags.agent === undefined ? {} : { agent: flags.agent }) });
  progress.done();
  const { forgotten, recorded, ...counts } = imported;
  reportForgotten(forgotten);
  const result: AgentTraceImportSummary = { version: 1, ...counts, ...(forgotten.length > 0 ? { forgotten } : {}), ...(recorded.length > 0 ? { recorded } : {}) };
  if (flags.json) outJson(result);
  else {
    out(
      [
        `imported ${plural(result.records, 'record')} into ${plural(result.sessions, 'session')} (${plural(result.lines, 'line')}): ${result.added} new steps, ${result.updated} updated, ${result.unchanged} already stored${result.badRecords > 0 ? `, ${result.badRecords} bad records skipped` : ''}`,
        ...(recorded.length > 0 ? [`left ${plural(recorded.length, 'session')} recorded here as they are: ${recorded.join(', ')}`] : []),
        ...renderRedactions(result.redactions),
      ].join('\n'),
    );
  }
  return result.records === 0 ? 1 : 0;
}

/** A FILE argument's text; `-` is standard input. */
async function readInput(file: string): Promise<TraceInput> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { name: '-', text: Buffer.concat(chunks).toString('utf8') };
  }
  try {
    return { name: file, text: await readFile(file, 'utf8') };
  } catch (error) {
    throw new InputError(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
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
