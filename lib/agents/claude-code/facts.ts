// Claude Code's facts: hook events, tool tables, transcript records, folders. Loaded on the
// hook's hot path: imports nothing heavy.

import { join } from 'node:path';
import type { AgentFacts, Env } from '../agent-facts.js';
import { expandDir, homeOf } from '../env-dirs.js';

/**
 * Claude Code's config folders: `$CLAUDE_CONFIG_DIR` (several may be listed, comma-separated;
 * `~` expanded) replaces the defaults `~/.claude`, `~/.config/claude` and
 * `$XDG_CONFIG_HOME/claude`. Without HOME and without an override: none. Transcripts live in
 * `<folder>/projects/` of each; hooks are written into the first.
 */
export function claudeConfigDirs(env: Env): readonly string[] {
  const configured = (env['CLAUDE_CONFIG_DIR'] ?? '')
    .split(',')
    .map((dir) => dir.trim())
    .filter((dir) => dir !== '');
  if (configured.length > 0) return [...new Set(configured.map((dir) => expandDir(env, dir)))];
  const home = env['HOME'];
  const dirs: string[] = [];
  if (home !== undefined && home !== '') dirs.push(join(home, '.claude'), join(home, '.config', 'claude'));
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && xdg !== '') dirs.push(join(xdg, 'claude'));
  return [...new Set(dirs)];
}

const TRANSCRIPT_TYPES: ReadonlySet<unknown> = new Set(['user', 'assistant', 'system', 'progress']);

export const claudeCodeFacts = {
  name: 'claude-code',
  hookEvents: {
    SessionStart: 'session-start',
    UserPromptSubmit: 'prompt',
    PreToolUse: 'pre-tool',
    PostToolUse: 'post-tool',
    PostToolUseFailure: 'post-tool',
    Stop: 'stop',
    SubagentStop: 'stop',
    SessionEnd: 'session-end',
  },
  readOnlyTools: ['Read', 'Grep', 'Glob', 'LS', 'WebFetch', 'WebSearch', 'TodoWrite', 'NotebookRead', 'BashOutput', 'ExitPlanMode', 'AskUserQuestion'],
  fileTools: ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'],
  fileInputFields: ['file_path', 'notebook_path'],
  takesStartContext: true,
  isTranscriptRecord: (record) => {
    const type = record['type'];
    // Gemini's records carry sessionId too, always with projectHash.
    if ('sessionId' in record && !('projectHash' in record) && TRANSCRIPT_TYPES.has(type)) return true;
    if (type === 'summary' && 'leafUuid' in record) return true;
    return type === 'file-history-snapshot' || type === 'queue-operation';
  },
  envVars: ['CLAUDE_CONFIG_DIR', 'XDG_CONFIG_HOME'],
  userConfigDir: (env) => claudeConfigDirs(env)[0] ?? join(homeOf(env), '.claude'),
} as const satisfies AgentFacts<'claude-code'>;
