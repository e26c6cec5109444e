// git trace demo: a throw-away repository, a Claude Code session played through the real hooks
// (the demo edits the files between PreToolUse and PostToolUse, as the agent would), a commit
// of the work, and the commands a user would run on it, each shown with its output. Touches
// nothing of the user's: repository, identity and transcript live in a temporary folder,
// removed afterwards unless --keep.

import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand } from './args.js';
import { DEMO_SESSION, DEMO_START, demoEvents, type DemoFiles } from './demo-session.js';
import { out, paint } from './output.js';

const HELP = `usage: git trace demo [--keep]

Create a throw-away repository in a temporary folder, play a small Claude Code session
through git-trace's hooks (one edit through the Edit tool, one through a shell command),
commit the work, and show list, show, blame, track, search, cost and verify on it.

    --keep   keep the temporary folder and print its path`;

const CLI = fileURLToPath(new URL('../../bin/git-trace.cjs', import.meta.url));

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { keep: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const root = mkdtempSync(join(tmpdir(), 'git-trace-demo-'));
  const repo = join(root, 'repo');
  const transcript = join(root, 'claude', `${DEMO_SESSION}.jsonl`);
  // The agents' folders point into the temporary folder too: the demo never reads or offers
  // to change the user's own agent configuration.
  const nowhere = join(root, 'agents');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TRACE_IDENTITY: join(root, 'identity.txt'),
    GIT_TRACE_BACKGROUND_FLUSH: '0',
    CLAUDE_CONFIG_DIR: join(nowhere, 'claude'),
    CODEX_HOME: join(nowhere, 'codex'),
    GEMINI_CLI_HOME: join(nowhere, 'gemini'),
    PI_CODING_AGENT_DIR: join(nowhere, 'pi'),
  };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[name];
  try {
    const git = (...gitArgs: string[]): void => {
      const r = spawnSync('git', gitArgs, { cwd: repo, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${r.stderr}`);
    };
    const write = (files: DemoFiles): void => {
      for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
    };
    mkdirSync(repo);
    mkdirSync(dirname(transcript));
    git('init', '-q');
    git('config', 'user.name', 'Demo User');
    git('config', 'user.email', 'demo@example.com');
    write(DEMO_START);
    git('add', '-A');
    git('commit', '-q', '-m', 'parser');
    const codes: number[] = [];
    const trace = (...traceArgs: string[]): void => {
      out(paint('bold', `$ git trace ${traceArgs.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`));
      const r = spawnSync(process.execPath, [CLI, ...traceArgs], { cwd: repo, env, encoding: 'utf8' });
      process.stdout.write(r.stdout);
      process.stdout.write(r.stderr);
      out('');
      codes.push(r.status ?? 1);
    };
    const say = (text: string): void => out(paint('dim', `${text}\n`));

    say(`A throw-away repository in ${repo}`);
    trace('init');
    say('An agent session runs: each hook event goes to `git trace hook claude-code`; between PreToolUse and PostToolUse the files change, once through the Edit tool, once through sed.');
    for (const event of demoEvents(repo)) {
      if (event.kind === 'edit') write(event.files);
      else if (event.kind === 'transcript') appendFileSync(transcript, event.records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      else {
        const r = spawnSync(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: repo, env, input: JSON.stringify({ ...event.payload, transcript_path: transcript }), encoding: 'utf8' });
        codes.push(r.status ?? 1);
      }
    }
    trace('flush');
    git('commit', '-q', '-am', 'trim fields; 1.0.1');
    say('The work is committed (git commit -am). What the session did, and where its lines are:');
    trace('list');
    trace('show', DEMO_SESSION.slice(0, 8));
    trace('show', DEMO_SESSION.slice(0, 8), '--step', '2');
    trace('blame', 'parse.js');
    trace('track', DEMO_SESSION.slice(0, 8));
    trace('search', 'VERSION');
    trace('cost', '--by', 'model');
    trace('verify');
    out(paint('bold', '$ git for-each-ref refs/opentraces'));
    process.stdout.write(spawnSync('git', ['for-each-ref', 'refs/opentraces'], { cwd: repo, env, encoding: 'utf8' }).stdout);
    if (args.values.keep === true) out(`\nkept: ${root}`);
    return codes.every((c) => c === 0) ? 0 : 1;
  } finally {
    if (args.values.keep !== true) rmSync(root, { recursive: true, force: true });
  }
}
