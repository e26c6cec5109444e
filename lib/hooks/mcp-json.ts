// The JSON engine for registering `git trace mcp` as an MCP server (Claude Code, Gemini CLI,
// OpenCode): one entry, named `git-trace`, at a key path of the agent's JSON or JSONC config.
//
// Rules:
// - The file is always edited in place (jsonc-parser's modify, VS Code's own): comments, key
//   order, indentation, line endings and everything else stay byte for byte; only our entry
//   (and the container it needed) is added, and taken out again.
// - An entry is "ours" when it runs `git trace mcp` in any form (command and args, one command
//   string, a command array). Exactly our entry is `installed`; another git-trace form, or
//   something else under our name, is `foreign` and never touched by install.
// - Removal takes out our entry and the containers that became empty because of it. A file
//   that cannot be read as JSON holds nothing removal can recognise: it is left as it is, so a
//   broken config of an agent (Claude Code's own state file, say) never blocks `uninstall`.

import { applyEdits, modify } from 'jsonc-parser';
import { InputError } from '../errors.js';
import { detectStyle, parseConfig, type JsonObject, type JsonValue } from './json-config.js';
import type { Edit, HookFileEditor, HookScope, HookTarget, Inspection } from './types.js';

/** The name every agent's config knows our server by. */
export const MCP_SERVER_NAME = 'git-trace';

/** The marker `events` carries for an MCP registration (install and uninstall reports). */
export function mcpEvent(keyPath: readonly string[]): string {
  return `mcp:${keyPath.join('.')}`;
}

export interface JsonMcpLayout {
  readonly target: HookTarget;
  /**
   * Where the entry may sit in this config, the place install writes first. A function of the
   * config, so an agent can follow the form a file already uses (OpenCode's `mcp.servers`).
   */
  keyPaths(config: JsonObject): readonly (readonly string[])[];
  /** The entry we write. */
  readonly entry: Readonly<JsonObject>;
}

const OUR_SERVER = /^\s*(?:git\s+trace|git-trace)\s+mcp(?:\s|$)/;

/** True when an entry (any agent's shape) starts git-trace's MCP server. */
export function runsGitTraceMcp(entry: JsonValue | undefined): boolean {
  if (!isObject(entry)) return false;
  const command = entry['command'];
  const args = Array.isArray(entry['args']) ? entry['args'] : [];
  const words = (Array.isArray(command) ? command : [command, ...args]).filter((w): w is string => typeof w === 'string');
  return OUR_SERVER.test(words.join(' '));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(config: JsonObject, keyPath: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = config;
  for (const key of keyPath) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function sameJson(a: JsonValue | undefined, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function formatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const style = detectStyle(text);
  return { insertSpaces: !style.indent.startsWith('\t'), tabSize: style.indent.startsWith('\t') ? 1 : Math.max(style.indent.length, 2), eol: style.eol };
}

/** `value` set at `keyPath` (undefined: removed), in place. */
function edit(text: string, keyPath: readonly string[], value: JsonValue | undefined): string {
  return applyEdits(text, modify(text, [...keyPath], value, { formattingOptions: formatting(text) }));
}

function inspectConfig(config: JsonObject, layout: JsonMcpLayout): Inspection {
  const found = layout.keyPaths(config).map((p) => at(config, p)).filter((v): v is JsonValue => v !== undefined);
  if (found.some((v) => sameJson(v, layout.entry as JsonObject))) return { state: 'installed', missing: [], foreign: [] };
  if (found.length > 0) return { state: 'foreign', missing: [], foreign: found.map((v) => JSON.stringify(v)) };
  return { state: 'not-installed', missing: [], foreign: [] };
}

/** The editor for one agent's MCP registration in a JSON or JSONC file. */
export function jsonMcpEditor(layout: JsonMcpLayout, scope: HookScope, path: string): HookFileEditor {
  const read = (current: Buffer | null): { text: string; config: JsonObject } => {
    const text = current === null ? '' : current.toString('utf8');
    return { text, config: parseConfig(path, text) };
  };
  return {
    target: layout.target,
    mcp: true,
    scope,
    path,
    newFileMode: 0o644,
    install(current: Buffer | null): Edit {
      const { text, config } = read(current);
      const seen = inspectConfig(config, layout);
      if (seen.state !== 'not-installed' && current !== null) return { bytes: current, events: [], foreign: seen.foreign };
      const keyPath = layout.keyPaths(config)[0];
      if (keyPath === undefined) throw new Error('an MCP layout needs a key path');
      const parent = at(config, keyPath.slice(0, -1));
      if (parent !== undefined && !isObject(parent)) throw new InputError(`'${path}': '${keyPath.slice(0, -1).join('.')}' is not an object; not changing it`);
      const body = text.trim() === '' ? '' : text;
      let out = edit(body, keyPath, layout.entry as JsonObject);
      if (body === '') out += '\n';
      return { bytes: Buffer.from(out, 'utf8'), events: [mcpEvent(keyPath)], foreign: [] };
    },
    remove(current: Buffer) {
      const parsed = tryRead(current);
      if (parsed === undefined) return { bytes: current, events: [] };
      let { text, config } = parsed;
      const events: string[] = [];
      for (const keyPath of layout.keyPaths(config)) {
        if (!runsGitTraceMcp(at(config, keyPath)) && !sameJson(at(config, keyPath), layout.entry as JsonObject)) continue;
        text = edit(text, keyPath, undefined);
        events.push(mcpEvent(keyPath));
        config = parseConfig(path, text);
        // The containers our entry left empty go too; the top level stays.
        for (let depth = keyPath.length - 1; depth >= 1; depth--) {
          const container = at(config, keyPath.slice(0, depth));
          if (!isObject(container) || Object.keys(container).length > 0) break;
          text = edit(text, keyPath.slice(0, depth), undefined);
          config = parseConfig(path, text);
        }
      }
      return { bytes: events.length === 0 ? current : Buffer.from(text, 'utf8'), events };
    },
    inspect(current: Buffer | null): Inspection {
      if (current === null) return { state: 'not-installed', missing: [], foreign: [] };
      return inspectConfig(read(current).config, layout);
    },
    hasOurs(current: Buffer): boolean {
      const config = tryParse(path, current);
      return config !== undefined && layout.keyPaths(config).some((p) => runsGitTraceMcp(at(config, p)));
    },
    isBlank(current: Buffer): boolean {
      const config = tryParse(path, current);
      return config !== undefined && Object.keys(config).length === 0;
    },
  };
}

function tryParse(path: string, bytes: Buffer): JsonObject | undefined {
  return tryRead(bytes, path)?.config;
}

function tryRead(bytes: Buffer, path = ''): { text: string; config: JsonObject } | undefined {
  const text = bytes.toString('utf8');
  try {
    return { text, config: parseConfig(path, text) };
  } catch {
    return undefined;
  }
}
