// Pi's facts: hook events (as our extension forwards them), tool tables, transcript records,
// folders. Loaded on the hook's hot path: imports nothing heavy.

import { join } from 'node:path';
import type { AgentFacts, Env } from '../agent-facts.js';
import { dirFromEnv, homeOf } from '../env-dirs.js';

/** Pi's agent folder: `$PI_CODING_AGENT_DIR` (`~` expanded), else `~/.pi/agent`. */
export function piAgentDir(env: Env): string {
  return dirFromEnv(env, 'PI_CODING_AGENT_DIR') ?? join(homeOf(env), '.pi', 'agent');
}

export const piFacts = {
  name: 'pi',
  hookEvents: { session_start: 'session-start', input: 'prompt', tool_call: 'pre-tool', tool_result: 'post-tool', agent_end: 'stop', turn_end: 'stop', session_shutdown: 'session-end' },
  readOnlyTools: ['read', 'grep', 'find', 'ls'],
  fileTools: ['edit', 'write'],
  fileInputFields: ['path', 'file_path'],
  isTranscriptRecord: (record) => record['type'] === 'session' && ('cwd' in record || 'version' in record || 'provider' in record),
  envVars: ['PI_CODING_AGENT_DIR'],
  userConfigDir: piAgentDir,
} as const satisfies AgentFacts<'pi'>;
