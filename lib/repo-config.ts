// The repository's git-trace settings, `trace.*` in git config, read in one git process:
//   trace.redact, trace.redactAllow, trace.redactDisable   redaction (lib/crypto/redact.ts)
//   trace.remote                                           the remote push/fetch/sync use
//   trace.injectContext                                    session-start hooks give context
//   trace.auditDisable, trace.auditRule                    audit rules (lib/insights/audit.ts)
// Environment settings are lib/settings.ts's.

import { readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { git } from '../refs/git.js';
import type { GitRepo } from '../refs/repo.js';
import { parseRedactionConfig, type RedactionConfig } from './crypto/redact.js';

export interface RepoConfig {
  readonly redaction: RedactionConfig;
  /** `trace.remote`, or null. */
  readonly remote: string | null;
  readonly injectContext: boolean;
  readonly auditDisable: readonly string[];
  readonly auditRules: readonly string[];
}

/** Every `trace.*` setting; a bad redaction setting is a UsageError naming it. */
export async function readRepoConfig(repo: GitRepo): Promise<RepoConfig> {
  const out = configMayHold(repo, /\[\s*trace\b/i) ? await git(['config', '--get-regexp', '^trace\\.'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1] }) : '';
  const values = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const key = (space === -1 ? line : line.slice(0, space)).toLowerCase();
    values.set(key, [...(values.get(key) ?? []), space === -1 ? '' : line.slice(space + 1)]);
  }
  const all = (key: string): string[] => values.get(key) ?? [];
  const last = (key: string): string | undefined => all(key).at(-1);
  const redact = last('trace.redact');
  return {
    redaction: parseRedactionConfig({ ...(redact === undefined ? {} : { redact }), allow: all('trace.redactallow'), disable: all('trace.redactdisable') }),
    remote: last('trace.remote') || null,
    injectContext: isTrue(last('trace.injectcontext')),
    auditDisable: all('trace.auditdisable').map((v) => v.trim()),
    auditRules: all('trace.auditrule'),
  };
}

/** The redaction settings alone (what every way in and out needs). */
export async function readRedactionConfig(repo: GitRepo): Promise<RedactionConfig> {
  return (await readRepoConfig(repo)).redaction;
}

/**
 * Whether any config file git would read could hold what `pattern` finds (a `[trace` section,
 * say), or an include that may bring it. False spares the hook a git process on every tool
 * call in the common case, where nobody set it; when unsure (config from the environment), true.
 */
export function configMayHold(repo: GitRepo, pattern: RegExp): boolean {
  const env = process.env;
  if (env['GIT_CONFIG_COUNT'] !== undefined || env['GIT_CONFIG_PARAMETERS'] !== undefined) return true;
  const home = env['HOME'] ?? homedir();
  const files = [
    join(repo.commonDir, 'config'),
    join(repo.gitDir, 'config.worktree'),
    env['GIT_CONFIG_GLOBAL'] ?? join(home, '.gitconfig'),
    // git reads an empty XDG_CONFIG_HOME as unset.
    join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'git', 'config'),
    ...(env['GIT_CONFIG_NOSYSTEM'] === '1' || env['GIT_CONFIG_NOSYSTEM'] === 'true' ? [] : env['GIT_CONFIG_SYSTEM'] !== undefined ? [env['GIT_CONFIG_SYSTEM']] : gitSystemFiles('gitconfig')),
  ];
  return files.some((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    return pattern.test(text) || /\[\s*(include|includeif)\b/i.test(text);
  });
}

/**
 * Where git's system-wide `$(prefix)/etc/<name>` can be: /etc (distributions build git with
 * sysconfdir=/etc), and the etc/ beside the git found on PATH (/usr/local, Homebrew, Nix).
 */
export function gitSystemFiles(name: string): string[] {
  const files = [join('/etc', name)];
  const etc = gitEtc();
  if (etc !== null && etc !== '/etc') files.push(join(etc, name));
  return files;
}

let foundEtc: string | null | undefined;

/** The etc/ beside the first git on PATH, found once per process. */
function gitEtc(): string | null {
  if (foundEtc !== undefined) return foundEtc;
  foundEtc = null;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      foundEtc = join(dirname(dirname(realpathSync(join(dir, 'git')))), 'etc');
      break;
    } catch {
      continue;
    }
  }
  return foundEtc;
}

/** A git boolean as `git config --bool` reads it: a key with no value is true. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|on|1|)$/i.test(value.trim());
}
