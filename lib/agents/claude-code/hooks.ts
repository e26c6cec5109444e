// Claude Code: the `hooks` key of settings.json. User: `settings.json` in the first of its config
// folders (facts.ts: `$CLAUDE_CONFIG_DIR`, else `~/.claude`); project: `<work tree>/.claude/settings.json` (usually committed;
// `settings.local.json` is the user's own and left alone). Timeouts are in seconds.

import { join } from 'node:path';
import { jsonHookEditor, type JsonHookLayout } from '../../hooks/json-config.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentHooks, HookScope, Place } from '../../hooks/types.js';
import { claudeCodeFacts } from './facts.js';

const TOOL_MATCHER = '*';

export const CLAUDE_CODE_LAYOUT: JsonHookLayout = {
  target: 'claude-code',
  events: [
    { name: 'SessionStart' },
    { name: 'UserPromptSubmit' },
    { name: 'PreToolUse', matcher: TOOL_MATCHER },
    { name: 'PostToolUse', matcher: TOOL_MATCHER },
    { name: 'PostToolUseFailure', matcher: TOOL_MATCHER },
    { name: 'Stop' },
    { name: 'SubagentStop' },
    { name: 'SessionEnd' },
  ],
  handler: { type: 'command', command: 'git trace hook claude-code', timeout: 30 },
};

function configDir(scope: HookScope, place: Place): string {
  if (scope === 'project') return join(projectRoot(place), '.claude');
  return claudeCodeFacts.userConfigDir(place.env);
}

export const claudeCodeHooks: AgentHooks = {
  agent: 'claude-code',
  configPath: (scope, place) => join(configDir(scope, place), 'settings.json'),
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(configDir(scope, place))),
  editor: (scope, path) => jsonHookEditor(CLAUDE_CODE_LAYOUT, scope, path),
};
