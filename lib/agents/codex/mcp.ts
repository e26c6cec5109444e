// Codex: `git trace mcp` as an MCP server, a `[mcp_servers.git-trace]` table with `command` and
// `args` in config.toml (user: `${CODEX_HOME:-~/.codex}/config.toml`; project:
// `.codex/config.toml`, which Codex reads only in trusted projects). Not hooks.json, where its
// hooks live. Sources: the Codex MCP documentation (developers.openai.com/codex/mcp), as quoted
// in "Codex MCP: add, configure and debug MCP servers in Codex CLI" (dev.to, November 2026):
// "Every server is stored as an [mcp_servers.<name>] table in ~/.codex/config.toml, or in
// .codex/config.toml for one trusted project", a stdio server being `command` and `args`.

import { join } from 'node:path';
import { tomlMcpEditor, type TomlMcpLayout } from '../../hooks/mcp-toml.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentMcp, HookScope, Place } from '../../hooks/types.js';
import { codexHome } from './facts.js';

export const CODEX_MCP_LAYOUT: TomlMcpLayout = {
  target: 'codex',
  table: 'mcp_servers',
  body: ['command = "git"', 'args = ["trace", "mcp"]'],
};

function configDir(scope: HookScope, place: Place): string {
  return scope === 'project' ? join(projectRoot(place), '.codex') : codexHome(place.env);
}

export const codexMcp: AgentMcp = {
  agent: 'codex',
  configPath: (scope, place) => join(configDir(scope, place), 'config.toml'),
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(configDir(scope, place))),
  editor: (scope, path) => tomlMcpEditor(CODEX_MCP_LAYOUT, scope, path),
};
