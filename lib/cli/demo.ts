// git trace demo: a throw-away repository, a small session stored into it, and the commands a
// user would run on it, each shown with its output. Touches nothing of the user's: the
// repository and the identity live in a temporary folder, removed afterwards unless --keep.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from './args.js';
import { out } from './output.js';
import { paint } from './output.js';
import { demoSession } from './demo-session.js';
import { formatStepsFile } from '../import/steps-file.js';

const HELP = `usage: git trace demo [--keep]

Create a throw-away repository in a temporary folder, store a small agent session in it
(encrypted to a throw-away identity), and show 'list', 'show' and 'verify' on it.

    --keep   keep the temporary folder and print its path`;

const CLI = fileURLToPath(new URL('../../bin/git-trace.js', import.meta.url));

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { keep: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const root = mkdtempSync(join(tmpdir(), 'git-trace-demo-'));
  const repo = join(root, 'repo');
  const env = { ...process.env, GIT_TRACE_IDENTITY: join(root, 'identity.txt'), GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined };
  try {
    const git = (...gitArgs: string[]): void => {
      const r = spawnSync('git', gitArgs, { cwd: repo, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${r.stderr}`);
    };
    spawnSync('git', ['init', '-q', repo], { env });
    git('config', 'user.name', 'Demo User');
    git('config', 'user.email', 'demo@example.com');
    writeFileSync(join(repo, 'parse.js'), 'export function parse(text) {\n  return text.split(",");\n}\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'parser');
    const { info, steps } = demoSession();
    writeFileSync(join(root, 'session.jsonl'), formatStepsFile([{ info, steps }]));
    const trace = (...traceArgs: string[]): number => {
      out(paint('bold', `$ git trace ${traceArgs.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`));
      const r = spawnSync(process.execPath, [CLI, ...traceArgs], { cwd: repo, env, encoding: 'utf8' });
      process.stdout.write(r.stdout);
      process.stdout.write(r.stderr);
      out('');
      return r.status ?? 1;
    };
    out(paint('dim', `A throw-away repository in ${repo}\n`));
    const codes = [
      trace('init'),
      trace('import', '--format', 'steps', join(root, 'session.jsonl')),
      trace('list'),
      trace('show', info.id),
      trace('show', info.id, '--step', '3'),
      trace('verify'),
    ];
    out(paint('dim', '$ git for-each-ref refs/opentraces'));
    process.stdout.write(spawnSync('git', ['for-each-ref', 'refs/opentraces'], { cwd: repo, env, encoding: 'utf8' }).stdout);
    if (args.values.keep === true) out(`\nkept: ${root}`);
    return codes.every((c) => c === 0) ? 0 : 1;
  } finally {
    if (args.values.keep !== true) rmSync(root, { recursive: true, force: true });
  }
}
