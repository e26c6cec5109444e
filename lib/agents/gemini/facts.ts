// Gemini CLI's facts: hook events, tool tables, transcript records, folders. Loaded on the
// hook's hot path: imports nothing heavy.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentFacts, Env } from '../agent-facts.js';

/** `<GEMINI_CLI_HOME or HOME>/.gemini`. */
export function geminiHome(env: Env): string {
  return join(env['GEMINI_CLI_HOME'] || env['HOME'] || homedir(), '.gemini');
}

export const geminiFacts = {
  name: 'gemini',
  hookEvents: {
    SessionStart: 'session-start',
    BeforeAgent: 'prompt',
    BeforeTool: 'pre-tool',
    AfterTool: 'post-tool',
    AfterAgent: 'stop',
    SessionEnd: 'session-end',
  },
  readOnlyTools: ['read_file', 'read_many_files', 'glob', 'search_file_content', 'list_directory', 'web_fetch', 'google_web_search'],
  fileTools: ['write_file', 'replace'],
  fileInputFields: ['file_path'],
  takesStartContext: true,
  isTranscriptRecord: (record) => 'projectHash' in record && 'sessionId' in record,
  // The legacy form is one JSON document: {"sessionId", "projectHash", "messages": [...]}.
  isTranscriptHead: (head) => head.trimStart().startsWith('{') && /"projectHash"\s*:/.test(head.slice(0, 4096)) && /"messages"\s*:/.test(head),
  envVars: ['GEMINI_CLI_HOME'],
  userConfigDir: geminiHome,
} as const satisfies AgentFacts<'gemini'>;
