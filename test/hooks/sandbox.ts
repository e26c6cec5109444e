// A throw-away home for hook tests: agents' config folders and git-trace's backups live in it,
// and the environment handed to the hooks API points there (never at the real home).

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Env } from '../../lib/hooks/index.js';

export interface Sandbox {
  readonly home: string;
  readonly env: Env;
  /** Write a file (absolute path), creating its folders. */
  write(path: string, text: string | Buffer): void;
  read(path: string): Buffer;
  /** Files under the user-scope backup folder. */
  backups(): string[];
  cleanup(): void;
}

export function sandbox(extraEnv: Readonly<Record<string, string>> = {}): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'git-trace-hooks-'));
  const env: Env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...extraEnv };
  return {
    home,
    env,
    write(path, text) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
    read: (path) => readFileSync(path),
    backups() {
      try {
        return readdirSync(join(home, '.config', 'git-trace', 'hooks-backup'));
      } catch {
        return [];
      }
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
