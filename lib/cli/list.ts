// git trace list: the sessions stored in this repository, from the catalog (nothing decrypted).

import { listSessions, type SessionSummary } from '../store/queries.js';
import { UsageError } from '../errors.js';
import { AGENTS } from '../model/session.js';
import { parseCommand, parseSessionFilter } from './args.js';
import { formatDuration, formatTime, oneLine, plural, table } from './format.js';
import { info, out, outJson, paint, reportUnreadable } from './output.js';
import { warnUntrusted } from './untrusted.js';
import type { CommandContext } from './commands.js';

/** Sessions listed when no --limit is given: the newest first, like `gh pr list`. */
export const DEFAULT_LIST_LIMIT = 100;

const HELP = `usage: git trace list [--agent AGENT] [--since DATE] [-n N | --all] [--json]

List the sessions stored in this repository, newest first (the newest ${DEFAULT_LIST_LIMIT} unless
-n or --all says otherwise).

    --agent AGENT   only sessions of this agent (${AGENTS.join(', ')})
    --since DATE    only sessions active since DATE (2026-11-01, or an age: 7d, 12h, 2w)
    -n, --limit N   at most N sessions (default ${DEFAULT_LIST_LIMIT})
    --all           every session
    --json          print an array of sessions as JSON (each with its trust state)

Sessions whose commits are not all signed by a recipient of this repository are named in a
warning on stderr (trust "untrusted" in --json): see 'git trace verify'.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(
    argv,
    { agent: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string', short: 'n' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
    HELP,
  );
  if (args === null) return 0;
  const filter = parseSessionFilter(args.values);
  if (args.values.all === true && args.values.limit !== undefined) throw new UsageError('give either --limit or --all, not both');
  const limit = args.values.all === true ? undefined : args.values.limit === undefined ? DEFAULT_LIST_LIMIT : Number(args.values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit needs a positive number, not '${args.values.limit}'`);
  const repo = await context.repo();
  const { sessions, total, unreadable } = await listSessions(repo, filter, limit);
  reportUnreadable(repo, { required: true });
  const trust = await warnUntrusted(repo, sessions.map((s) => s.id));
  if (args.values.json === true) outJson(sessions.map((s) => ({ ...toJson(s), trust: trust.get(s.id) ?? null })));
  else if (sessions.length > 0) out(renderList(sessions));
  else if (unreadable.length === 0) info('no sessions yet');
  if (total > sessions.length) info(`showing the newest ${sessions.length} of ${plural(total, 'session')}; use -n N or --all for more`);
  return 0;
}

export function toJson(s: SessionSummary): Record<string, unknown> {
  return { version: 1, ...s };
}

function renderList(sessions: readonly SessionSummary[]): string {
  const header = ['SESSION', 'AGENT', 'STARTED', 'DURATION', 'STEPS', 'TITLE'];
  const rows = sessions.map((s) => [s.id, s.agent, formatTime(s.startedAt), formatDuration(s.durationMs), String(s.stepCount), oneLine(s.title ?? '', 60)]);
  const [first, ...rest] = table([header, ...rows]).split('\n');
  return [paint('bold', first ?? ''), ...rest].join('\n');
}
