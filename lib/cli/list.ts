// git trace list: the sessions stored in this repository.

import { listSessions, type SessionSummary } from '../store/queries.js';
import { UsageError } from '../errors.js';
import { AGENTS } from '../model/session.js';
import { openRepo } from '../trace-repo.js';
import { parseCommand, parseSessionFilter } from './args.js';
import { formatDuration, formatTime, oneLine, table } from './format.js';
import { out, outJson, paint, warn } from './output.js';

const HELP = `usage: git trace list [--agent AGENT] [--since DATE] [--json]

List the sessions stored in this repository, newest first.

    --agent AGENT   only sessions of this agent (${AGENTS.join(', ')})
    --since DATE    only sessions active since DATE (2026-11-01, or an age: 7d, 12h, 2w)
    --json          print an array of sessions as JSON`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { agent: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const filter = parseSessionFilter(args.values);
  const repo = await openRepo(process.cwd());
  try {
    const { sessions, unreadable } = await listSessions(repo, filter);
    for (const u of unreadable) warn(`cannot read session '${u.id}': ${u.error.message}`);
    if (args.values.json === true) outJson(sessions.map(toJson));
    else if (sessions.length > 0) out(renderList(sessions));
    else if (unreadable.length === 0) process.stderr.write('no sessions yet\n');
    return 0;
  } finally {
    repo.close();
  }
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
