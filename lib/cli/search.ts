// git trace search QUERY: full-text search over every stored session, from the local index
// (brought up to date with the refs first).

import { UsageError } from '../errors.js';
import { AGENTS } from '../model/session.js';
import { search, type SearchHit } from '../catalog/search.js';
import { parseCommand, parseSessionFilter } from './args.js';
import { formatTime, oneLine } from './format.js';
import { out, outJson, paint, reportUnreadable } from './output.js';
import { warnUntrusted } from './untrusted.js';
import type { TrustState } from '../store/trust.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace search [--agent AGENT] [--since DATE] [--file PATH] [--limit N] [--json] QUERY

Search prompts, replies, reasoning, commands, tool output and paths of every stored session.
Terms are ANDed; "quoted words" match as a phrase; a trailing * matches a prefix.

    --agent AGENT   only sessions of this agent (${AGENTS.join(', ')})
    --since DATE    only steps since DATE (2026-11-01, or an age: 7d, 12h, 2w)
    --file PATH     only steps that changed or read PATH (or a path below it)
    --limit N       at most N hits (default 20)
    --json          print an array of hits: session, step, kind, timestamp, snippet, trust

A hit in a session no recipient signed is marked UNTRUSTED (its text may be forged), and
named in a warning; see 'git trace verify'.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(
    argv,
    { agent: { type: 'string' }, since: { type: 'string' }, file: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    HELP,
  );
  if (args === null) return 0;
  const query = args.positionals.join(' ').trim();
  if (query === '') throw new UsageError('no QUERY to search for', { hint: 'usage: git trace search [options] QUERY' });
  const limit = args.values.limit === undefined ? 20 : Number(args.values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit needs a positive number, not '${args.values.limit}'`);
  const filter = parseSessionFilter(args.values);
  const repo = await context.repo();
  const catalog = await repo.catalog();
  reportUnreadable(repo, { required: true });
  const hits = search(catalog.db, query, { ...filter, limit, ...(args.values.file === undefined ? {} : { file: args.values.file }) });
  const trust = await warnUntrusted(repo, hits.map((h) => h.session));
  if (args.values.json === true) outJson(hits.map((h) => ({ version: 1, ...h, trust: trust.get(h.session) ?? null })));
  else if (hits.length > 0) out(renderHits(hits, trust));
  else process.stderr.write('no matches\n');
  return 0;
}

function renderHits(hits: readonly SearchHit[], trust: ReadonlyMap<string, TrustState>): string {
  return hits
    .map((h) => {
      const mark = trust.get(h.session) === 'untrusted' ? `${paint('red', 'UNTRUSTED')} ` : '';
      const head = `${mark}${paint('yellow', h.session)} #${h.step} ${h.kind}${h.tool === null ? '' : ` ${h.tool}`}  ${formatTime(h.timestamp)}  ${paint('dim', oneLine(h.title ?? '', 50))}`;
      return `${head}\n    ${oneLine(h.snippet, 160)}`;
    })
    .join('\n');
}
