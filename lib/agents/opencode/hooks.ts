// OpenCode: hooks are plugins, JavaScript modules auto-loaded from `~/.config/opencode/plugins/`
// (user; `$XDG_CONFIG_HOME` honoured) and `<work tree>/.opencode/plugins/` (project). Each
// exported function receives the plugin context and returns its hooks: `tool.execute.before` and
// `tool.execute.after` (input {tool, sessionID, callID}; output {args} before, {title, output,
// metadata} after), `chat.message` (the person's message and its parts) and `event` (bus events
// such as `session.created` and `session.idle`). Our plugin is one file that is entirely ours
// (hooks/owned-file.ts), forwarding those to `git trace hook opencode` as the payload the other
// agents send. Written against OpenCode's plugin documentation (opencode.ai/docs/plugins); no
// OpenCode binary runs in our tests, which drive the plugin module with those documented shapes.

import { join } from 'node:path';
import { forwarderSource } from '../../hooks/forwarder-source.js';
import { ownedFileEditor, ownedFormat } from '../../hooks/owned-file.js';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import type { AgentHooks, HookFileEditor, HookScope, Place } from '../../hooks/types.js';
import { openCodeFacts } from './facts.js';

/** Bump when the text below changes: `status` then says `outdated` and `install` rewrites it. */
export const OPENCODE_PLUGIN_FORMAT = 1;

export const OPENCODE_PLUGIN_FILE = 'git-trace.js';

/** The events the plugin forwards, by the names `git trace hook opencode` reads (facts.ts). */
export const OPENCODE_EVENTS = Object.keys(openCodeFacts.hookEvents);

/** How long a hook waits for `git trace hook` before OpenCode goes on (the hook keeps running). */
export const OPENCODE_HOOK_WAIT_MS = 5000;

const MARKER = /^\/\/ git-trace opencode plugin, format (\d+)\b/;

export function openCodePluginSource(): string {
  return `// git-trace opencode plugin, format ${OPENCODE_PLUGIN_FORMAT}: written by 'git trace hooks install', deleted by 'git trace hooks uninstall'. Do not edit.
//
// Hands OpenCode's session and tool events to \`git trace hook opencode\`, one JSON object on its
// stdin: {hook_event_name, session_id, cwd, prompt, tool_name, tool_call_id, tool_input, tool_response}.
// It never blocks or throws into OpenCode: each event waits at most WAIT_MS for the hook, then
// OpenCode goes on while the hook finishes on its own; every error is swallowed.

import { spawn } from "node:child_process";

const WAIT_MS = ${OPENCODE_HOOK_WAIT_MS};

${forwarderSource('opencode')}function forward(cwd, fields) {
  const body = serialize({ cwd, ...fields });
  return body === undefined ? Promise.resolve() : runHook(body, cwd);
}

function textOf(parts) {
  const texts = (Array.isArray(parts) ? parts : []).filter((p) => p && p.type === "text" && typeof p.text === "string" && p.synthetic !== true).map((p) => p.text);
  return texts.length === 0 ? undefined : texts.join("\\n");
}

export const GitTrace = async (ctx) => {
  const cwd = attempt(() => ctx.worktree) ?? attempt(() => ctx.directory) ?? process.cwd();
  const guard = (work) => async (...args) => {
    try {
      await work(...args);
    } catch {
      // never into OpenCode
    }
  };
  return {
    "chat.message": guard(async (input, output) => {
      const prompt = textOf(attempt(() => output.parts));
      if (prompt !== undefined) await forward(cwd, { hook_event_name: "chat.message", session_id: attempt(() => input.sessionID), prompt });
    }),
    "tool.execute.before": guard(async (input, output) => {
      await forward(cwd, { hook_event_name: "tool.execute.before", session_id: attempt(() => input.sessionID), tool_name: attempt(() => input.tool), tool_call_id: attempt(() => input.callID), tool_input: attempt(() => output.args) });
    }),
    "tool.execute.after": guard(async (input, output) => {
      const metadata = attempt(() => output.metadata);
      const exit = attempt(() => metadata.exit);
      await forward(cwd, {
        hook_event_name: "tool.execute.after",
        session_id: attempt(() => input.sessionID),
        tool_name: attempt(() => input.tool),
        tool_call_id: attempt(() => input.callID),
        tool_input: attempt(() => input.args) ?? attempt(() => metadata.input),
        tool_response: { output: attempt(() => output.output), title: attempt(() => output.title), isError: typeof exit === "number" && exit !== 0 ? true : undefined },
      });
    }),
    event: guard(async ({ event }) => {
      const type = attempt(() => event.type);
      if (type !== "session.created" && type !== "session.idle" && type !== "session.deleted") return;
      const properties = attempt(() => event.properties) ?? {};
      const id = attempt(() => properties.sessionID) ?? attempt(() => properties.info.id);
      await forward(cwd, { hook_event_name: type, session_id: id });
    }),
  };
};
`;
}

/** The format version on the file's first line, or null when the file is not ours. */
export function openCodePluginFormat(bytes: Buffer): number | null {
  return ownedFormat(bytes, MARKER);
}

function openCodeEditor(scope: HookScope, path: string): HookFileEditor {
  return ownedFileEditor({ target: 'opencode', scope, path, source: openCodePluginSource(), marker: MARKER, events: OPENCODE_EVENTS, hint: 'rename or remove that plugin, then install again' });
}

function configDir(scope: HookScope, place: Place): string {
  return scope === 'project' ? join(projectRoot(place), '.opencode') : openCodeFacts.userConfigDir(place.env);
}

export const openCodeHooks: AgentHooks = {
  agent: 'opencode',
  configPath: (scope, place) => join(configDir(scope, place), 'plugins', OPENCODE_PLUGIN_FILE),
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(configDir(scope, place))),
  editor: openCodeEditor,
};
