// Pi: hooks are TypeScript extensions, auto-discovered in `<agent dir>/extensions/*.ts` (agent
// dir: $PI_CODING_AGENT_DIR or ~/.pi/agent) and `<work tree>/.pi/extensions/*.ts` (loaded once
// the project is trusted). Our extension is one file that is entirely ours (hooks/owned-file.ts).
//
// The extension is written in plain JavaScript syntax (valid TypeScript): pi loads it through
// jiti without type-checking, and our tests import the very same text as an ES module.

import { join } from 'node:path';
import { isDirectory, projectRoot } from '../../hooks/paths.js';
import { forwarderSource } from '../../hooks/forwarder-source.js';
import { ownedFileEditor, ownedFormat } from '../../hooks/owned-file.js';
import type { AgentHooks, HookFileEditor, HookScope, Place } from '../../hooks/types.js';
import { piAgentDir } from './facts.js';

/** Bump when the text below changes: `status` then says `outdated` and `install` rewrites it. */
export const PI_EXTENSION_FORMAT = 2;

export const PI_EXTENSION_FILE = 'git-trace.ts';

/**
 * Pi events forwarded to `git trace hook pi`. `input` is the user's prompt; agent_end, not
 * turn_end (once per model response), is pi's "the agent stopped".
 */
export const PI_EVENTS = ['session_start', 'input', 'tool_call', 'tool_result', 'agent_end', 'session_shutdown'] as const;

/** How long a pi event waits for the hook before pi goes on (the hook keeps running, detached). */
export const PI_HOOK_WAIT_MS = 5000;

const MARKER = /^\/\/ git-trace pi extension, format (\d+)\b/;

export function piExtensionSource(): string {
  return `// git-trace pi extension, format ${PI_EXTENSION_FORMAT}: written by 'git trace hooks install', deleted by 'git trace hooks uninstall'. Do not edit.
// @ts-nocheck: plain JavaScript syntax on purpose, so one text serves pi (through jiti) and git-trace's tests.
//
// Hands pi's session and tool events to \`git trace hook pi\`, one JSON object on its stdin:
// {hook_event_name, session_id, session_file, cwd, prompt, tool_name, tool_call_id, tool_input, tool_response}.
// It never blocks or throws into pi: each event waits at most WAIT_MS for the hook (so the
// snapshot before a tool is taken before the tool runs), then pi goes on while the hook finishes
// on its own; every error is swallowed.

import { spawn } from "node:child_process";

const WAIT_MS = ${PI_HOOK_WAIT_MS};
const EVENTS = ${JSON.stringify(PI_EVENTS)};

${forwarderSource('pi')}function payload(name, event, ctx) {
  const sessions = attempt(() => ctx.sessionManager);
  const isTool = name === "tool_call" || name === "tool_result";
  return {
    hook_event_name: name,
    session_id: attempt(() => sessions.getSessionId()),
    session_file: attempt(() => sessions.getSessionFile()),
    cwd: attempt(() => ctx.cwd) ?? process.cwd(),
    prompt: name === "input" ? attempt(() => event.text) : undefined,
    tool_name: isTool ? attempt(() => event.toolName) : undefined,
    tool_call_id: isTool ? attempt(() => event.toolCallId) : undefined,
    tool_input: isTool ? attempt(() => event.input) : undefined,
    tool_response: name === "tool_result" ? attempt(() => ({ content: event.content, details: event.details, isError: event.isError })) : undefined,
  };
}

export default function gitTrace(pi) {
  for (const name of EVENTS) {
    pi.on(name, async (event, ctx) => {
      try {
        const data = payload(name, event ?? {}, ctx ?? {});
        const body = serialize(data);
        if (body !== undefined) await runHook(body, data.cwd);
      } catch {
        // never into pi
      }
      return undefined;
    });
  }
}
`;
}

/** The format version on the file's first line, or null when the file is not ours. */
export function piExtensionFormat(bytes: Buffer): number | null {
  return ownedFormat(bytes, MARKER);
}

function piEditor(scope: HookScope, path: string): HookFileEditor {
  return ownedFileEditor({ target: 'pi', scope, path, source: piExtensionSource(), marker: MARKER, events: PI_EVENTS, hint: 'rename or remove that extension, then install again' });
}

function agentDir(scope: HookScope, place: Place): string {
  if (scope === 'project') return join(projectRoot(place), '.pi');
  return piAgentDir(place.env);
}

export const piHooks: AgentHooks = {
  agent: 'pi',
  configPath: (scope, place) => join(agentDir(scope, place), 'extensions', PI_EXTENSION_FILE),
  isPresent: (scope, place) => (scope === 'project' && place.workTree === null ? false : isDirectory(agentDir(scope, place))),
  editor: piEditor,
};
