// The TOML engine for registering `git trace mcp` as an MCP server (Codex's config.toml): one
// table, `[mcp_servers.git-trace]`, appended at the end of the file and taken out again. No TOML
// library: the file is never parsed as a whole, nor rewritten; only lines are added and removed.
//
// Rules:
// - Install appends our table after a blank line (the file's own line endings), unless a table
//   or key of that name is there already in any form: then the file is left as it is (ours:
//   `installed`; another form: `foreign`).
// - Removal takes out our table's header and its lines up to the next table header (trailing
//   blank and comment lines there stay with what follows), and the one blank line before it.

import type { Edit, HookFileEditor, HookScope, HookTarget, Inspection } from './types.js';
import { MCP_SERVER_NAME, mcpEvent } from './mcp-json.js';

export interface TomlMcpLayout {
  readonly target: HookTarget;
  /** The parent table of the server tables (`mcp_servers`). */
  readonly table: string;
  /** Our table's lines after its header, e.g. `command = "git"`. */
  readonly body: readonly string[];
}

interface Found {
  /** Index of our table's header line, or -1. */
  readonly header: number;
  /** One past our table's last line of content. */
  readonly end: number;
  /** A definition of our server in another form (a dotted key, an inline table), as written. */
  readonly other: string | null;
}

const NAME = `(?:"${MCP_SERVER_NAME}"|'${MCP_SERVER_NAME}'|${MCP_SERVER_NAME})`;

function headerPattern(table: string): RegExp {
  return new RegExp(`^\\s*\\[\\s*${table}\\s*\\.\\s*${NAME}\\s*\\]\\s*(?:#.*)?$`);
}

function scan(lines: readonly string[], layout: TomlMcpLayout): Found {
  const ours = headerPattern(layout.table);
  const parent = new RegExp(`^\\s*\\[\\s*${layout.table}\\s*\\]`);
  const dotted = new RegExp(`^\\s*${layout.table}\\s*\\.\\s*${NAME}\\s*[.=]`);
  const key = new RegExp(`^\\s*${NAME}\\s*[.=]`);
  let header = -1;
  let end = -1;
  let other: string | null = null;
  let table: 'root' | 'parent' | 'other' = 'root';
  for (const [i, line] of lines.entries()) {
    if (/^\s*\[/.test(line)) {
      if (header !== -1 && end === -1) end = lastContent(lines, header, i);
      if (ours.test(line) && header === -1) header = i;
      table = parent.test(line) ? 'parent' : 'other';
      continue;
    }
    if (other === null && ((table === 'root' && dotted.test(line)) || (table === 'parent' && key.test(line)))) other = line.trim();
  }
  if (header !== -1 && end === -1) end = lastContent(lines, header, lines.length);
  return { header, end, other };
}

/** One past the last line of a table that is not blank or a comment (those belong to what follows). */
function lastContent(lines: readonly string[], header: number, next: number): number {
  let end = next;
  while (end > header + 1 && /^\s*(?:#.*)?$/.test(lines[end - 1] ?? '')) end--;
  return end;
}

function ourLines(layout: TomlMcpLayout): string[] {
  return [`[${layout.table}.${MCP_SERVER_NAME}]`, ...layout.body];
}

function normalize(line: string): string {
  return line.replace(/\s+/g, '');
}

function inspectText(text: string, layout: TomlMcpLayout): Inspection {
  const lines = text.split(/\r?\n/);
  const found = scan(lines, layout);
  if (found.header !== -1) {
    const body = lines.slice(found.header + 1, found.end).filter((l) => !/^\s*(?:#.*)?$/.test(l));
    const same = body.length === layout.body.length && body.every((l, i) => normalize(l) === normalize(layout.body[i] ?? ''));
    return same ? { state: 'installed', missing: [], foreign: [] } : { state: 'foreign', missing: [], foreign: [lines.slice(found.header, found.end).join('; ')] };
  }
  if (found.other !== null) return { state: 'foreign', missing: [], foreign: [found.other] };
  return { state: 'not-installed', missing: [], foreign: [] };
}

/** The editor for one agent's MCP registration in a TOML file. */
export function tomlMcpEditor(layout: TomlMcpLayout, scope: HookScope, path: string): HookFileEditor {
  const event = mcpEvent([layout.table, MCP_SERVER_NAME]);
  return {
    target: layout.target,
    mcp: true,
    scope,
    path,
    newFileMode: 0o644,
    install(current: Buffer | null): Edit {
      const text = current === null ? '' : current.toString('utf8');
      const seen = inspectText(text, layout);
      if (seen.state !== 'not-installed' && current !== null) return { bytes: current, events: [], foreign: seen.foreign };
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const block = ourLines(layout).join(eol) + eol;
      let out = text;
      if (out.trim() !== '') {
        if (!out.endsWith('\n')) out += eol;
        if (!out.endsWith(`${eol}${eol}`)) out += eol;
      } else out = '';
      return { bytes: Buffer.from(out + block, 'utf8'), events: [event], foreign: [] };
    },
    remove(current: Buffer) {
      const text = current.toString('utf8');
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const lines = text.split(eol);
      const found = scan(lines, layout);
      if (found.header === -1) return { bytes: current, events: [] };
      const from = found.header > 0 && (lines[found.header - 1] ?? '').trim() === '' ? found.header - 1 : found.header;
      const kept = [...lines.slice(0, from), ...lines.slice(found.end)];
      return { bytes: Buffer.from(kept.join(eol), 'utf8'), events: [event] };
    },
    inspect(current: Buffer | null): Inspection {
      return current === null ? { state: 'not-installed', missing: [], foreign: [] } : inspectText(current.toString('utf8'), layout);
    },
    hasOurs(current: Buffer): boolean {
      return scan(current.toString('utf8').split(/\r?\n/), layout).header !== -1;
    },
    isBlank(current: Buffer): boolean {
      return current.toString('utf8').trim() === '';
    },
  };
}
