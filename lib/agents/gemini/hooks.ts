// Gemini CLI: the `hooks` key of settings.json. User: `<GEMINI_CLI_HOME or HOME>/.gemini/settings.json`;
// project: `<work tree>/.gemini/settings.json`. Tool matchers are regular expressions (`.*`),
// timeouts are in MILLISECONDS, and a `name` lets the user list ours in `hooks.disabled`.
// Other keys under `hooks` (`enabled`, `disabled`) are the user's and stay as they are.

import { join } from 'node:path';
import { jsonHookEditor, type JsonHookLayout } from '../../hooks/json-config.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentHooks, HookScope, Place } from '../../hooks/types.js';
import { geminiHome } from './facts.js';

export const GEMINI_LAYOUT: JsonHookLayout = {
  target: 'gemini',
  events: [
    { name: 'SessionStart' },
    { name: 'BeforeAgent' },
    { name: 'BeforeTool', matcher: '.*' },
    { name: 'AfterTool', matcher: '.*' },
    { name: 'AfterAgent' },
    { name: 'SessionEnd' },
  ],
  handler: { type: 'command', command: 'git trace hook gemini', name: 'git-trace', timeout: 30000 },
};

function configDir(scope: HookScope, place: Place): string {
  if (scope === 'project') return join(projectRoot(place), '.gemini');
  return geminiHome(place.env);
}

export const geminiHooks: AgentHooks = {
  agent: 'gemini',
  configPath: (scope, place) => join(configDir(scope, place), 'settings.json'),
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(configDir(scope, place))),
  editor: (scope, path) => jsonHookEditor(GEMINI_LAYOUT, scope, path),
};
