// OpenCode: `git trace mcp` as a local MCP server in opencode.json or opencode.jsonc (user:
// `${XDG_CONFIG_HOME:-~/.config}/opencode/`; project: the work tree's top), written as
// `{"type": "local", "command": ["git", "trace", "mcp"], "enabled": true}`. Where: OpenCode 1
// takes servers directly under `mcp` (opencode.ai/v1/docs/mcp-servers: "define MCP servers in
// your OpenCode Config under mcp"); OpenCode 2 under `mcp.servers`, and reads the 1.x form too
// (opencode.ai/docs/mcp-servers, and docs/migrate-v1: V2 reads the existing configuration and
// "normalizes supported V1 fields"). So ours goes under `mcp.servers` when the file already uses
// that form, else directly under `mcp`, which both versions read.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MCP_SERVER_NAME, jsonMcpEditor, type JsonMcpLayout } from '../../hooks/mcp-json.js';
import type { JsonObject } from '../../hooks/json-config.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentMcp, HookScope, Place } from '../../hooks/types.js';
import { openCodeFacts } from './facts.js';

function usesServersForm(config: JsonObject): boolean {
  const mcp = config['mcp'];
  return typeof mcp === 'object' && mcp !== null && !Array.isArray(mcp) && typeof mcp['servers'] === 'object' && mcp['servers'] !== null;
}

export const OPENCODE_MCP_LAYOUT: JsonMcpLayout = {
  target: 'opencode',
  keyPaths: (config) => (usesServersForm(config) ? [['mcp', 'servers', MCP_SERVER_NAME], ['mcp', MCP_SERVER_NAME]] : [['mcp', MCP_SERVER_NAME], ['mcp', 'servers', MCP_SERVER_NAME]]),
  entry: { type: 'local', command: ['git', 'trace', 'mcp'], enabled: true },
};

function configDir(scope: HookScope, place: Place): string {
  return scope === 'project' ? projectRoot(place) : openCodeFacts.userConfigDir(place.env);
}

/** opencode.jsonc when that is the file there, else opencode.json. */
function configPath(scope: HookScope, place: Place): string {
  const dir = configDir(scope, place);
  const jsonc = join(dir, 'opencode.jsonc');
  return existsSync(jsonc) && !existsSync(join(dir, 'opencode.json')) ? jsonc : join(dir, 'opencode.json');
}

export const openCodeMcp: AgentMcp = {
  agent: 'opencode',
  configPath,
  isPresent: (scope, place) => (scope === 'project' ? place.workTree !== null && (isDirectory(join(place.workTree, '.opencode')) || existsSync(configPath(scope, place))) : isDirectory(configDir(scope, place))),
  editor: (scope, path) => jsonMcpEditor(OPENCODE_MCP_LAYOUT, scope, path),
};
