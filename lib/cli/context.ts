// git trace context [--files PATH…]: prior-session context relevant to files or the current
// branch, bounded in size, for an agent starting work (the SessionStart hook can print it).
// Silent, exit 0, when nothing is relevant or when not in a repository.

import { findRepo } from '../../refs/repo.js';
import { redactValue } from '../crypto/redact.js';
import { priorContext } from '../ctx/prior-context.js';
import { readRedactionConfig } from '../repo-config.js';
import { RepoError, UsageError } from '../errors.js';
import { repoRelativePath } from '../model/patch.js';
import { parseCommand } from './args.js';
import { outJson } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace context [--files PATH]... [--branch NAME] [--exclude ID] [--max-bytes N] [--json] [PATH...]

Print what earlier agent sessions in this repository did to these files (or, with no
path, to the files with uncommitted changes and on the current branch): what they
changed and read, what failed, what they undid. Meant for an agent's context at the
start of a session. Prints nothing, and exits 0, when nothing is relevant.

    --files PATH     a file or folder to ask about (repeatable; paths may also follow)
    --branch NAME    sessions on this branch count (default: the current branch, unless
                     it is main, master, trunk, develop or dev)
    --exclude ID     leave this session out (the one asking; repeatable)
    --max-bytes N    at most N bytes of text (default 4000)
    --json           print {files, branch, sessions} as JSON`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(
    argv,
    { files: { type: 'string', multiple: true }, branch: { type: 'string' }, exclude: { type: 'string', multiple: true }, 'max-bytes': { type: 'string' }, json: { type: 'boolean' } },
    HELP,
  );
  if (args === null) return 0;
  const maxText = args.values['max-bytes'] ?? '4000';
  if (!/^\d+$/.test(maxText) || Number(maxText) < 200) throw new UsageError(`--max-bytes needs a number of at least 200, not '${maxText}'`);
  try {
    await findRepo(process.cwd());
  } catch (error) {
    if (error instanceof RepoError) return 0;
    throw error;
  }
  const repo = await context.repo();
  const asked = [...(args.values.files ?? []), ...args.positionals];
  const workTree = repo.git.repo.workTree;
  const answer = await priorContext(repo, {
    ...(asked.length > 0 ? { files: asked.map((f) => repoRelativePath(workTree, f, process.cwd())).filter((f): f is string => f !== null), branch: null } : {}),
    ...(args.values.branch === undefined ? {} : { branch: args.values.branch }),
    exclude: args.values.exclude ?? [],
    maxBytes: Number(maxText),
  });
  if (answer.sessions.length === 0) return 0;
  if (args.values.json === true) {
    const sessions = answer.sessions.map(({ packet, ...s }) => ({ ...s, failed: packet.failed, tests: packet.tests, abandoned: packet.abandoned.items }));
    // Redacted on the way out, like the text.
    outJson({ version: 1, files: answer.files, branch: answer.branch, sessions: redactValue(sessions, await readRedactionConfig(repo.git.repo)).value });
  } else process.stdout.write(answer.text);
  return 0;
}
