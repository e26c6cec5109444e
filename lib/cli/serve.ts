// git trace serve [--port N] [--host H --allow-remote] [--no-open]: a local, read-only web
// dashboard of this repository's sessions, served by this process until SIGINT or SIGTERM.
// stdout carries the one line with the address (token included); warnings go to stderr.

import { spawn } from 'node:child_process';
import { UsageError } from '../errors.js';
import { DEFAULT_SERVE_HOST, LOOPBACK_HOSTS } from '../settings.js';
import { parseCommand } from './args.js';
import { out, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace serve [--port N] [--host H [--allow-remote]] [--no-open]

Serve a read-only dashboard of this repository's sessions in your browser, from this
process, until interrupted (Ctrl-C). Pages: the sessions (searchable), a session's
timeline step by step (prompts, replies, tool calls with exit codes, each step's diff,
tokens and cost, what the model saw at a step), a file at a revision with the session
and step of each line (blame), and survival: a session's patches and their state at
HEAD (track), and the lines agents and people added per day (stats).

It prints the address to open, with a random token that every request must carry (the
first page load turns it into a cookie). It listens on 127.0.0.1 only; it refuses a Host
header other than its own address, requests from another origin, and anything but GET
and HEAD. Everything sent is redacted and scrubbed as for 'blame pr'.

    --port N         listen on port N (default 0: any free port)
    --host H         listen on address H instead of 127.0.0.1; an address other
                     machines can reach needs --allow-remote as well
    --allow-remote   let --host be such an address: anyone on that network who gets
                     the printed address (with its token) can read your sessions
    --no-open        do not open a browser

Reading may put back a session ref that 'git fetch --prune' deleted, as every reading
command does; nothing else is written.`;

const SYNOPSIS = 'usage: git trace serve [--port N] [--host H [--allow-remote]] [--no-open]';

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { port: { type: 'string' }, host: { type: 'string' }, 'allow-remote': { type: 'boolean' }, 'no-open': { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  if (args.positionals.length > 0) throw new UsageError('serve takes no arguments', { hint: SYNOPSIS });
  const port = portOf(args.values.port);
  const host = args.values.host ?? DEFAULT_SERVE_HOST;
  if (!LOOPBACK_HOSTS.includes(host) && args.values['allow-remote'] !== true) {
    throw new UsageError(`refusing to listen on '${host}' without --allow-remote: other machines could read your sessions`);
  }
  const repo = await context.repo();
  const { startDashboard } = await import('../serve/server.js');
  const dashboard = await startDashboard(repo, { host, port, warn });
  // Listening for the signals before the address is out: whoever reads it may stop us at once.
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  out(`git-trace dashboard: ${dashboard.url}`);
  if (args.values['no-open'] !== true) openBrowser(dashboard.url);
  await stopped;
  await dashboard.close();
  return 0;
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`'${value}' is not a port`, { hint: 'give a number from 0 (any free port) to 65535' });
  return port;
}

/** The system's browser, best effort: where none can be started, the printed address is enough. */
function openBrowser(url: string): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  try {
    const child = spawn(command as string, args, { stdio: 'ignore', detached: true });
    child.on('error', () => warn(`could not open a browser; open the address above yourself`));
    child.unref();
  } catch {
    warn('could not open a browser; open the address above yourself');
  }
}
