// Claude Code: `git trace mcp` as an MCP server. Project scope: `.mcp.json` at the work tree's
// top (shared through the repository; Claude Code asks each person to approve its servers once).
// User scope: the top-level `mcpServers` of `~/.claude.json`, Claude Code's own state file, or
// `$CLAUDE_CONFIG_DIR/.claude.json` when that is set. Not `settings.json`: Claude Code does not
// read MCP servers from it. Sources: anthropics/claude-code issue #4193 (the `/mcp` command's list
// of locations by scope: "~/.claude.json", ".mcp.json", "~/.claude.json [within a project path]"),
// issue #48448 (`$CLAUDE_CONFIG_DIR/.claude.json`, top-level `mcpServers`), and the stdio entry
// shape `{"type": "stdio", "command": …, "args": […]}` that `claude mcp add-json` takes.

import { join } from 'node:path';
import { MCP_SERVER_NAME, jsonMcpEditor, type JsonMcpLayout } from '../../hooks/mcp-json.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentMcp, HookScope, Place } from '../../hooks/types.js';
import { homeOf } from '../env-dirs.js';
import { claudeConfigDirs } from './facts.js';

export const CLAUDE_CODE_MCP_LAYOUT: JsonMcpLayout = {
  target: 'claude-code',
  keyPaths: () => [['mcpServers', MCP_SERVER_NAME]],
  entry: { type: 'stdio', command: 'git', args: ['trace', 'mcp'] },
};

function userFile(place: Place): string {
  const configured = place.env['CLAUDE_CONFIG_DIR'];
  if (configured !== undefined && configured.trim() !== '') return join(claudeConfigDirs(place.env)[0] ?? homeOf(place.env), '.claude.json');
  return join(homeOf(place.env), '.claude.json');
}

function configPath(scope: HookScope, place: Place): string {
  return scope === 'project' ? join(projectRoot(place), '.mcp.json') : userFile(place);
}

export const claudeCodeMcp: AgentMcp = {
  agent: 'claude-code',
  configPath,
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(scope === 'project' ? join(projectRoot(place), '.claude') : (claudeConfigDirs(place.env)[0] ?? ''))),
  editor: (scope, path) => jsonMcpEditor(CLAUDE_CODE_MCP_LAYOUT, scope, path),
};
