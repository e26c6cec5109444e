// Codex: `hooks.json` next to a config layer. User: `${CODEX_HOME:-~/.codex}/hooks.json`;
// project: `<work tree>/.codex/hooks.json` (Codex loads project layers only for trusted
// projects). Same shape as Claude Code's; `*` matches every tool; timeouts in seconds.

import { join } from 'node:path';
import { jsonHookEditor, type JsonHookLayout } from '../../hooks/json-config.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentHooks, HookScope, Place } from '../../hooks/types.js';
import { codexHome } from './facts.js';

export const CODEX_LAYOUT: JsonHookLayout = {
  target: 'codex',
  events: [
    { name: 'SessionStart' },
    { name: 'UserPromptSubmit' },
    { name: 'PreToolUse', matcher: '*' },
    { name: 'PostToolUse', matcher: '*' },
    { name: 'Stop' },
  ],
  handler: { type: 'command', command: 'git trace hook codex', timeout: 30 },
};

function configDir(scope: HookScope, place: Place): string {
  if (scope === 'project') return join(projectRoot(place), '.codex');
  return codexHome(place.env);
}

export const codexHooks: AgentHooks = {
  agent: 'codex',
  configPath: (scope, place) => join(configDir(scope, place), 'hooks.json'),
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(configDir(scope, place))),
  editor: (scope, path) => jsonHookEditor(CODEX_LAYOUT, scope, path),
};
