// Codex's facts: hook events, tool tables, transcript records, folders. Loaded on the hook's
// hot path: imports nothing heavy.

import { join } from 'node:path';
import type { AgentFacts, Env } from '../agent-facts.js';
import { dirFromEnv, homeOf } from '../env-dirs.js';

/** `$CODEX_HOME` (`~` expanded), else `~/.codex`. */
export function codexHome(env: Env): string {
  return dirFromEnv(env, 'CODEX_HOME') ?? join(homeOf(env), '.codex');
}

const RECORD_TYPES: ReadonlySet<unknown> = new Set(['session_meta', 'turn_context', 'response_item', 'event_msg']);

export const codexFacts = {
  name: 'codex',
  hookEvents: { SessionStart: 'session-start', UserPromptSubmit: 'prompt', PreToolUse: 'pre-tool', PostToolUse: 'post-tool', Stop: 'stop' },
  readOnlyTools: ['view_image', 'update_plan'],
  // apply_patch names its files inside the patch text: a full walk finds them.
  fileTools: [],
  fileInputFields: [],
  isTranscriptRecord: (record) => RECORD_TYPES.has(record['type']),
  envVars: ['CODEX_HOME'],
  userConfigDir: codexHome,
} as const satisfies AgentFacts<'codex'>;
