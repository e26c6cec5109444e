// Option parsing with node:util parseArgs (no framework: hooks start a process per tool call).
// `--help` prints the command's help; anything wrong is a UsageError carrying the synopsis.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { AGENTS, isAgentName } from '../model/session.js';
import type { SessionFilter } from '../store/queries.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/** Parse `argv`; null when `--help` was asked for (the help has been printed). */
export function parseCommand<T extends Options>(argv: readonly string[], options: T, help: string): Parsed<T> | null {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help.endsWith('\n') ? help : `${help}\n`);
    return null;
  }
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const synopsis = help.split('\n').filter((l) => l.startsWith('usage:') || l.startsWith('   or:')).join('\n');
    // parseArgs explains at length; keep its first sentence, git-style.
    const first = (error as Error).message.split(/\.(?: |$)/)[0] ?? 'bad arguments';
    throw new UsageError(first.replace(/^./, (c) => c.toLowerCase()), { hint: synopsis });
  }
}

/** Parse a `--since` value: an ISO date or time, or an age such as 7d, 12h, 2w. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const age = /^(\d+)\s*([hdw])$/.exec(value.trim());
  if (age !== null) {
    const hours = Number(age[1]) * (age[2] === 'h' ? 1 : age[2] === 'd' ? 24 : 24 * 7);
    return new Date(now.getTime() - hours * 3600_000);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`cannot read '${value}' as a date`, { hint: 'use an ISO date (2026-11-01) or an age (7d, 12h, 2w)' });
  return date;
}

/** The --agent and --since options shared by the commands that read many sessions. */
export function parseSessionFilter(values: { readonly agent?: string | undefined; readonly since?: string | undefined }): SessionFilter {
  const { agent, since } = values;
  if (agent !== undefined && !isAgentName(agent)) throw new UsageError(`unknown agent '${agent}'`, { hint: `agents: ${AGENTS.join(', ')}` });
  return { ...(agent === undefined ? {} : { agent }), ...(since === undefined ? {} : { since: parseSince(since) }) };
}

/** One session by ID, or every session of --since/--agent, never both: audit's and insights' scope. */
export function parseSessionScope(command: string, positionals: readonly string[], values: { readonly agent?: string | undefined; readonly since?: string | undefined }): { readonly id: string | undefined; readonly filter: SessionFilter } {
  const [id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`${command} takes at most one session ID`, { hint: `usage: git trace ${command} [--since DATE] [ID]` });
  if (id !== undefined && (values.since !== undefined || values.agent !== undefined)) throw new UsageError('give a session ID or --since/--agent, not both');
  return { id, filter: parseSessionFilter(values) };
}
