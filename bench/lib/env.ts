// The environment the bench's child processes run in, and the machine it ran on. Like the
// tests (test/helpers/repo.ts), nothing of the machine's own git config, agents' folders or
// identity leaks in: HOME, XDG and git's global config point into the run's temporary folder.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export function pinnedEnvironment(root: string): NodeJS.ProcessEnv {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  const gitconfig = join(home, '.gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Bench User\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_TRACE', 'GIT_TRACE2_EVENT', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'GEMINI_CLI_HOME', 'PI_CODING_AGENT_DIR', 'GIT_TRACE_DEBUG']) {
    delete env[name];
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_TRACE_IDENTITY: join(home, 'identity.txt'),
    GIT_TRACE_BACKGROUND_FLUSH: '0',
    TZ: 'UTC',
    LC_ALL: 'C',
    NO_COLOR: '1',
  };
}

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly git: string;
  readonly platform: string;
  /** The 1-minute load average when asked: other work on the machine skews every figure. */
  readonly load: number;
}

export function machine(): Machine {
  const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^git version /, '');
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    git: gitVersion,
    platform: `${process.platform}-${process.arch}`,
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
