// Gemini CLI: `git trace mcp` as an MCP server, under `mcpServers` of the same settings.json its
// hooks live in (user: `~/.gemini/settings.json`, or under GEMINI_CLI_HOME; project:
// `.gemini/settings.json`). A stdio server is `{"command": …, "args": […]}`. Source:
// google-gemini/gemini-cli docs/tools/mcp-server.md ("Configure MCP servers in your
// settings.json file … under the mcpServers object"; `command`, `args`, `env`, `cwd`, `timeout`,
// `trust`). Gemini CLI lists command servers as disconnected in folders it has not trusted.

import { MCP_SERVER_NAME, jsonMcpEditor, type JsonMcpLayout } from '../../hooks/mcp-json.js';
import type { AgentMcp } from '../../hooks/types.js';
import { geminiHooks } from './hooks.js';

export const GEMINI_MCP_LAYOUT: JsonMcpLayout = {
  target: 'gemini',
  keyPaths: () => [['mcpServers', MCP_SERVER_NAME]],
  entry: { command: 'git', args: ['trace', 'mcp'] },
};

export const geminiMcp: AgentMcp = {
  agent: 'gemini',
  configPath: (scope, place) => geminiHooks.configPath(scope, place),
  isPresent: (scope, place) => geminiHooks.isPresent(scope, place),
  editor: (scope, path) => jsonMcpEditor(GEMINI_MCP_LAYOUT, scope, path),
};

