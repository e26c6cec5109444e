// OpenCode's facts: hook events (as our plugin forwards them, hooks.ts), tool tables, where its
// data lives, how its database file starts. Loaded on the hook's hot path: imports nothing heavy.

import { join } from 'node:path';
import type { AgentFacts, Env } from '../agent-facts.js';
import { dirFromEnv, homeOf } from '../env-dirs.js';

/** `$XDG_DATA_HOME/opencode`, default `~/.local/share/opencode` on every platform (xdg-basedir). */
export function openCodeDataDir(env: Env): string {
  return join(dirFromEnv(env, 'XDG_DATA_HOME') ?? join(homeOf(env), '.local', 'share'), 'opencode');
}

/** Every SQLite database starts with these 16 bytes. */
export const SQLITE_HEADER = 'SQLite format 3\u0000';

export const openCodeFacts = {
  name: 'opencode',
  hookEvents: { 'session.created': 'session-start', 'chat.message': 'prompt', 'tool.execute.before': 'pre-tool', 'tool.execute.after': 'post-tool', 'session.idle': 'stop', 'session.deleted': 'session-end' },
  readOnlyTools: ['read', 'glob', 'grep', 'list', 'webfetch', 'websearch', 'codesearch', 'todoread', 'todowrite', 'question', 'skill'],
  fileTools: ['edit', 'write'],
  // 1.x tools name the file `filePath`, 2.x tools `path`.
  fileInputFields: ['filePath', 'path'],
  // Its transcripts are rows of a database, never JSON lines.
  isTranscriptRecord: () => false,
  isTranscriptHead: (head) => head.startsWith(SQLITE_HEADER),
  envVars: ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'OPENCODE_DB'],
  userConfigDir: (env) => join(dirFromEnv(env, 'XDG_CONFIG_HOME') ?? join(homeOf(env), '.config'), 'opencode'),
} as const satisfies AgentFacts<'opencode'>;
