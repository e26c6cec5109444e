// The redaction settings from git config (trace.redact, trace.redactAllow, trace.redactDisable),
// read in one git process.

import { git } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { parseRedactionConfig, type RedactionConfig } from '../crypto/redact.js';

export async function readRedactionConfig(repo: GitRepo): Promise<RedactionConfig> {
  const out = await git(['config', '--get-regexp', '^trace\\.redact'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1] });
  let redact: string | undefined;
  const allow: string[] = [];
  const disable: string[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const key = (space === -1 ? line : line.slice(0, space)).toLowerCase();
    const value = space === -1 ? '' : line.slice(space + 1);
    if (key === 'trace.redact') redact = value;
    else if (key === 'trace.redactallow') allow.push(value);
    else if (key === 'trace.redactdisable') disable.push(value);
  }
  return parseRedactionConfig({ ...(redact === undefined ? {} : { redact }), allow, disable });
}
