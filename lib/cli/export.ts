// git trace export --format FORMAT [--out FILE] [REV | BASE..HEAD | ID...]: what git-trace knows,
// in formats other tools read (Agent Trace, ATIF, OTLP/JSON, flat JSON Lines). Everything that leaves
// passes the egress: secrets redacted again, home paths and user names scrubbed.

import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { atifTrajectory } from '../export/atif.js';
import { exportCommits, traceRecord } from '../export/agent-trace.js';
import { ExportEgress } from '../export/egress.js';
import { stepRows } from '../export/jsonl.js';
import { otlpRequest } from '../export/otlp.js';
import { readRedactionConfig } from '../repo-config.js';
import { scrubberForRepo, type Scrubber } from '../egress/scrub.js';
import type { RedactionConfig } from '../crypto/redact.js';
import { listSessions, resolveSessionId } from '../store/queries.js';
import { PRIVATE_FILE_MODE } from '../settings.js';
import type { TraceRepo } from '../trace-repo.js';
import { parseCommand } from './args.js';
import { reportUnreadable, warn } from './output.js';
import { warnUntrusted } from './untrusted.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace export --format agent-trace [--out FILE] [REV | BASE..HEAD]
   or: git trace export --format atif [--out FILE] ID
   or: git trace export --format otlp [--out FILE] ID
   or: git trace export --format jsonl [--out FILE] [ID...]

Write what git-trace knows in a format other tools read. What leaves is scrubbed first:
secrets redacted again, home paths and the repository's path replaced ('~', '<repo>'),
your login and git user name and email replaced ('[user]').

    --format agent-trace  Agent Trace 0.1.0 records (agent-trace.dev): per commit, the
                          lines it added in each file it changed, by conversation: 'ai'
                          with the model for a session's lines, 'mixed' for an agent's
                          line the commit edited, 'human' for the rest. REV (default
                          HEAD) gives one record; BASE..HEAD one per commit, oldest
                          first, one per line (JSON Lines)
    --format atif         session ID as an ATIF-v1.7 trajectory (Harbor): prompts, messages,
                          reasoning, tool calls with their results, token usage
    --format otlp         session ID as OTLP/JSON spans (the body of POST /v1/traces) with
                          OpenTelemetry's GenAI conventions: invoke_agent for the session,
                          chat per model response, execute_tool per tool call, token usage;
                          no message or tool content
    --format jsonl        one row per step of each session ID (default: every session),
                          the flat columns the README lists
    --out FILE            write to FILE (created readable by you only), not stdout

ID may be a unique prefix of at least 4 characters.`;

const FORMATS = ['agent-trace', 'atif', 'otlp', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { format: { type: 'string' }, out: { type: 'string' } }, HELP);
  if (args === null) return 0;
  const format = args.values.format;
  if (format === undefined) throw new UsageError('export needs --format', { hint: `formats: ${FORMATS.join(', ')}` });
  if (!isFormat(format)) throw new UsageError(`unknown format '${format}'`, { hint: `formats: ${FORMATS.join(', ')}` });
  const positionals = args.positionals;
  if (format === 'agent-trace' && positionals.length > 1) throw new UsageError('export --format agent-trace takes at most one REV or range', { hint: 'usage: git trace export --format agent-trace [REV | BASE..HEAD]' });
  if ((format === 'atif' || format === 'otlp') && positionals.length !== 1) throw new UsageError(`export --format ${format} takes one session ID`, { hint: `usage: git trace export --format ${format} ID` });
  const repo = await context.repo();
  const [redaction, scrubber] = await Promise.all([readRedactionConfig(repo.git.repo), scrubberForRepo(repo.git.repo)]);
  const text = await exported(repo, format, positionals, redaction, scrubber);
  if (args.values.out === undefined) process.stdout.write(text);
  else writePrivate(args.values.out, text);
  return 0;
}

async function exported(repo: TraceRepo, format: Format, positionals: readonly string[], redaction: RedactionConfig, scrubber: Scrubber): Promise<string> {
  switch (format) {
    case 'agent-trace': {
      const rev = positionals[0] ?? 'HEAD';
      const commits = await exportCommits(repo.git.repo, rev);
      const records = [];
      for (const commit of commits) records.push(await traceRecord(repo, commit, new ExportEgress(redaction, scrubber), warn));
      reportUnreadable(repo);
      await warnUntrusted(repo, records.flatMap((r) => r.metadata['dev.git-trace'].sessions.map((s) => s.id)));
      if (!rev.includes('..')) return `${JSON.stringify(records[0], null, 2)}\n`;
      return records.map((r) => `${JSON.stringify(r)}\n`).join('');
    }
    case 'atif': {
      const id = await resolveSessionId(repo, positionals[0] as string);
      const session = await repo.sessions.read(id);
      if (session.steps.length === 0) throw new UsageError(`session '${id}' has no steps to export`, { hint: 'an ATIF trajectory needs at least one step' });
      await warnUntrusted(repo, [id]);
      return `${JSON.stringify(atifTrajectory(session, new ExportEgress(redaction, scrubber)), null, 2)}\n`;
    }
    case 'otlp': {
      const id = await resolveSessionId(repo, positionals[0] as string);
      const session = await repo.sessions.read(id);
      await warnUntrusted(repo, [id]);
      return `${JSON.stringify(otlpRequest(session, new ExportEgress(redaction, scrubber)), null, 2)}\n`;
    }
    case 'jsonl': {
      let ids: string[];
      if (positionals.length > 0) ids = await Promise.all(positionals.map((p) => resolveSessionId(repo, p)));
      else {
        const listed = await listSessions(repo);
        reportUnreadable(repo);
        // Oldest first: a dataset grows at its end.
        ids = listed.sessions.map((s) => s.id).reverse();
      }
      await warnUntrusted(repo, ids);
      const egress = new ExportEgress(redaction, scrubber);
      const rows: string[] = [];
      for (const id of ids) for (const row of stepRows(await repo.sessions.read(id), egress)) rows.push(`${JSON.stringify(row)}\n`);
      return rows.join('');
    }
  }
}

/** Write FILE readable by its owner only, also when it was there before. */
function writePrivate(file: string, text: string): void {
  const fd = openSync(file, 'w', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
