// git trace mcp: a read-only MCP server over stdio for coding agents. stdout carries the
// protocol and nothing else; warnings go to stderr. The repository is opened once and closed when
// the client goes away (stdin closed) or on SIGINT/SIGTERM.

import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { openRepo } from '../trace-repo.js';
import { parseCommand, parseSince } from './args.js';
import { warn } from './output.js';

const HELP = `usage: git trace mcp [--repo DIR]

Serve the sessions of this repository to a coding agent over MCP (the Model Context
Protocol), on stdin and stdout. Read-only by construction: no tool flushes, imports,
pushes or writes a ref; reading brings the local catalog (a cache in .git/opentraces)
up to date, as every reading command does.

Tools: list_sessions, search, show_session, show_step (with field and offset to page
through a long text), step_context, resume_packet, blame (a file or a line range),
blame_pr (a range of commits) and track. Resources: git-trace://session/ID, one per session.

Every answer is JSON, with session and step ids to follow up; secrets are redacted again
and home paths, the repository's path and your names scrubbed, as for 'blame pr'. An
answer is at most about 20 KB: a long text is cut with a note saying how to read on
(show_step with field and offset), a long list is cut with how many were left out.
Sessions not signed by a recipient are marked trust "untrusted"; a session your key
cannot read is a tool error naming it.

    --repo DIR   serve the repository at DIR (default: the current directory)

Reading may put back a session ref that 'git fetch --prune' deleted, as every reading
command does; nothing else is written.

Register it with an agent as a stdio server running: git trace mcp --repo /path/to/repo`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { repo: { type: 'string' } }, HELP);
  if (args === null) return 0;
  if (args.positionals.length > 0) throw new UsageError('mcp takes no arguments', { hint: 'usage: git trace mcp [--repo DIR]' });
  const dir = args.values.repo === undefined ? process.cwd() : resolve(args.values.repo);
  const [{ createServer }, { StdioServerTransport }] = await Promise.all([import('../mcp/server.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
  const repo = await openRepo(dir, { warn, note: warn, prefetchCatalog: true });
  try {
    const server = await createServer(repo, { warn, parseSince: (value) => parseSince(value) });
    const closed = new Promise<void>((done) => {
      server.server.onclose = (): void => done();
      process.stdin.once('end', () => done());
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await server.connect(new StdioServerTransport());
    await closed;
    await server.close();
    return 0;
  } finally {
    repo.close();
  }
}
