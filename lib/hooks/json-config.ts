// The JSON hook-config engine shared by Claude Code, Codex and Gemini, whose configs all read
// `{"hooks": {"<Event>": [{"matcher": "…", "hooks": [{"type": "command", "command": "…"}]}]}}`.
//
// Rules:
// - Everything that is not our entry is kept: other keys, other events, other hooks, their order.
// - Our entries are recognised by a command starting with `git trace hook`; the exact command
//   for this agent is "ours", any other form is "foreign" and is never touched by install (an
//   event holding one gets no second entry, so the hook never runs twice).
// - The file is rewritten in its own style: indentation (spaces or tabs, or none), line endings,
//   BOM and trailing newline as found. A file with comments or trailing commas (Gemini CLI
//   accepts them) is not rewritten but edited in place (jsonc-parser, VS Code's own): only the
//   events we change are touched, every comment stays. A file that is neither is refused.
// - Removal takes out our entries and the groups, event arrays and `hooks` object that became
//   empty because of it; containers that were already empty stay.

import { applyEdits, modify, parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors.js';
import type { Edit, HookFileEditor, HookScope, HookTarget, Inspection } from './types.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** One event we hook, with its matcher (tool events) or none. */
export interface HookEvent {
  readonly name: string;
  readonly matcher?: string;
}

export interface JsonHookLayout {
  readonly target: HookTarget;
  readonly events: readonly HookEvent[];
  /** The handler object we add, e.g. `{type: 'command', command: 'git trace hook codex', timeout: 30}`. */
  readonly handler: Readonly<JsonObject>;
}

/** Any command we consider ours, in whatever form. */
const OUR_COMMAND = /^\s*git\s+trace\s+hook(?:\s|$)/;

export function isGitTraceHookCommand(command: string): boolean {
  return OUR_COMMAND.test(command);
}

export interface JsonStyle {
  readonly bom: boolean;
  /** '' for a one-line file. */
  readonly indent: string;
  readonly eol: '\n' | '\r\n';
  readonly finalNewline: boolean;
}

const NEW_FILE_STYLE: JsonStyle = { bom: false, indent: '  ', eol: '\n', finalNewline: true };

/** The formatting a file uses, so that a rewrite looks like the user's own. */
export function detectStyle(text: string): JsonStyle {
  const bom = text.startsWith('\uFEFF');
  const body = bom ? text.slice(1) : text;
  if (body.trim() === '') return { ...NEW_FILE_STYLE, bom };
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = /\n$/.test(body);
  const indented = /\n([ \t]+)\S/.exec(body);
  let indent: string;
  if (indented !== null) indent = (indented[1] ?? '').startsWith('\t') ? '\t' : ' '.repeat(Math.min((indented[1] ?? '  ').length, 10));
  else indent = body.trim().includes('\n') || /^\{\s*\}$/.test(body.trim()) ? '  ' : '';
  return { bom, indent, eol, finalNewline };
}

export function formatJson(value: JsonValue, style: JsonStyle): string {
  const text = JSON.stringify(value, null, style.indent);
  const lines = style.eol === '\n' ? text : text.replace(/\n/g, '\r\n');
  return `${style.bom ? '\uFEFF' : ''}${lines}${style.finalNewline ? style.eol : ''}`;
}

/** Parse a config file's text: an object, or an empty file (treated as `{}`). Throws InputError naming the file. */
export function parseConfig(path: string, text: string): JsonObject {
  return readConfig(path, text).config;
}

/** The config, and whether its text is JSON with comments or trailing commas (edited in place, not rewritten). */
function readConfig(path: string, text: string): { readonly config: JsonObject; readonly jsonc: boolean } {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return { config: {}, jsonc: false };
  let value: unknown;
  let jsonc = false;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const errors: ParseError[] = [];
    value = parseJsonc(body, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length > 0) {
      const first = errors[0] as ParseError;
      const reason = (error as Error).message.split('\n')[0] ?? printParseErrorCode(first.error);
      throw new InputError(`'${path}' is not valid JSON (${reason}); not changing it`, {
        hint: `fix the file (comments and trailing commas are fine; ${printParseErrorCode(first.error)} at offset ${first.offset} is not), then run the command again`,
      });
    }
    jsonc = true;
  }
  if (!isObject(value)) throw new InputError(`'${path}' does not hold a JSON object; not changing it`);
  return { config: value, jsonc };
}

/**
 * The text with the `events` of `hooks` set to what `config` now holds (removed when it holds
 * none), edited in place: comments and the rest of the file as they were.
 */
function editInPlace(text: string, config: JsonObject, events: readonly string[]): string {
  const style = detectStyle(text);
  const formattingOptions = { insertSpaces: !style.indent.startsWith('\t'), tabSize: style.indent.startsWith('\t') ? 1 : Math.max(style.indent.length, 2), eol: style.eol };
  const hooks = config['hooks'];
  if (!isObject(hooks)) return applyEdits(text, modify(text, ['hooks'], undefined, { formattingOptions }));
  let out = text;
  for (const name of events) out = applyEdits(out, modify(out, ['hooks', name], hooks[name], { formattingOptions }));
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `hooks` object, or undefined when absent; throws when it is something else. */
function hooksOf(path: string, config: JsonObject): JsonObject | undefined {
  const hooks = config['hooks'];
  if (hooks === undefined) return undefined;
  if (!isObject(hooks)) throw new InputError(`'${path}': 'hooks' is not an object; not changing it`);
  return hooks;
}

/** Commands of every handler in an event's groups (tolerant: odd shapes hold no commands). */
function commandsOf(groups: JsonValue | undefined): string[] {
  if (!Array.isArray(groups)) return [];
  const out: string[] = [];
  for (const group of groups) {
    if (!isObject(group) || !Array.isArray(group['hooks'])) continue;
    for (const handler of group['hooks']) {
      if (isObject(handler) && typeof handler['command'] === 'string') out.push(handler['command']);
    }
  }
  return out;
}

function ourCommand(layout: JsonHookLayout): string {
  const command = layout.handler['command'];
  if (typeof command !== 'string') throw new Error('a hook layout needs a command');
  return command;
}

/** Our hook added to every event of the layout that has no git-trace entry yet. */
export function addHooks(path: string, config: JsonObject, layout: JsonHookLayout): { readonly added: string[]; readonly foreign: string[] } {
  const hooks = hooksOf(path, config) ?? {};
  const added: string[] = [];
  for (const event of layout.events) {
    const groups = hooks[event.name];
    if (groups !== undefined && !Array.isArray(groups)) throw new InputError(`'${path}': 'hooks.${event.name}' is not an array; not changing it`);
    if (commandsOf(groups).some(isGitTraceHookCommand)) continue;
    const group: JsonObject = event.matcher === undefined ? {} : { matcher: event.matcher };
    group['hooks'] = [{ ...layout.handler }];
    if (groups === undefined) hooks[event.name] = [group];
    else groups.push(group);
    added.push(event.name);
  }
  if (added.length > 0) config['hooks'] = hooks;
  return { added, foreign: foreignCommands(config, layout) };
}

/** Every git-trace entry taken out; returns the events that held one. */
export function removeHooks(path: string, config: JsonObject): string[] {
  const hooks = hooksOf(path, config);
  if (hooks === undefined) return [];
  const removed: string[] = [];
  for (const [name, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    let touched = false;
    for (let g = groups.length - 1; g >= 0; g--) {
      const group = groups[g];
      if (!isObject(group) || !Array.isArray(group['hooks'])) continue;
      const handlers = group['hooks'];
      const kept = handlers.filter((h) => !(isObject(h) && typeof h['command'] === 'string' && isGitTraceHookCommand(h['command'])));
      if (kept.length === handlers.length) continue;
      touched = true;
      if (kept.length === 0) groups.splice(g, 1);
      else group['hooks'] = kept;
    }
    if (!touched) continue;
    removed.push(name);
    if (groups.length === 0) delete hooks[name];
  }
  if (removed.length > 0 && Object.keys(hooks).length === 0) delete config['hooks'];
  return removed;
}

function foreignCommands(config: JsonObject, layout: JsonHookLayout): string[] {
  const hooks = config['hooks'];
  if (!isObject(hooks)) return [];
  const mine = ourCommand(layout);
  const out = new Set<string>();
  for (const groups of Object.values(hooks)) {
    for (const command of commandsOf(groups)) if (isGitTraceHookCommand(command) && command.trim() !== mine) out.add(command);
  }
  return [...out];
}

export function inspectHooks(config: JsonObject, layout: JsonHookLayout): Inspection {
  const hooks = config['hooks'];
  const mine = ourCommand(layout);
  const missing = layout.events.filter((e) => !(isObject(hooks) && commandsOf(hooks[e.name]).some((c) => c.trim() === mine))).map((e) => e.name);
  const foreign = foreignCommands(config, layout);
  const state = foreign.length > 0 ? 'foreign' : missing.length === 0 ? 'installed' : missing.length === layout.events.length ? 'not-installed' : 'partial';
  return { state, missing: state === 'not-installed' ? [] : missing, foreign };
}

/** The editor for one JSON hook config. */
export function jsonHookEditor(layout: JsonHookLayout, scope: HookScope, path: string): HookFileEditor {
  return {
    target: layout.target,
    scope,
    path,
    newFileMode: 0o644,
    install(current: Buffer | null): Edit {
      const text = current === null ? '' : current.toString('utf8');
      const { config, jsonc } = readConfig(path, text);
      const { added, foreign } = addHooks(path, config, layout);
      if (added.length === 0 && current !== null) return { bytes: current, events: [], foreign };
      if (jsonc) return { bytes: Buffer.from(editInPlace(text, config, added), 'utf8'), events: added, foreign };
      const style = current === null ? NEW_FILE_STYLE : detectStyle(text);
      return { bytes: Buffer.from(formatJson(config, style), 'utf8'), events: added, foreign };
    },
    remove(current: Buffer) {
      const text = current.toString('utf8');
      const { config, jsonc } = readConfig(path, text);
      const events = removeHooks(path, config);
      if (events.length === 0) return { bytes: current, events };
      if (jsonc) return { bytes: Buffer.from(editInPlace(text, config, events), 'utf8'), events };
      return { bytes: Buffer.from(formatJson(config, detectStyle(text)), 'utf8'), events };
    },
    inspect(current: Buffer | null): Inspection {
      if (current === null) return { state: 'not-installed', missing: [], foreign: [] };
      return inspectHooks(parseConfig(path, current.toString('utf8')), layout);
    },
    hasOurs(current: Buffer): boolean {
      const config = tryParse(current);
      return config !== undefined && isObject(config['hooks']) && Object.values(config['hooks']).some((groups) => commandsOf(groups).some(isGitTraceHookCommand));
    },
    isBlank(current: Buffer): boolean {
      const config = tryParse(current);
      return config !== undefined && Object.keys(config).length === 0;
    },
  };
}

function tryParse(bytes: Buffer): JsonObject | undefined {
  try {
    return parseConfig('', bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
