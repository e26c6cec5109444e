// Several editors of one file acting as one (Gemini CLI keeps its hooks and its MCP servers in
// the same settings.json): each edits the bytes the one before it produced, so the file is
// planned, backed up and restored once, whatever each editor adds to it.

import type { Edit, HookFileEditor, Inspection } from './types.js';

/** The editors with those of one path merged into one, in the order of their first appearance. */
export function combineEditors(editors: readonly HookFileEditor[]): HookFileEditor[] {
  const byPath = new Map<string, HookFileEditor[]>();
  for (const editor of editors) byPath.set(editor.path, [...(byPath.get(editor.path) ?? []), editor]);
  return [...byPath.values()].map((same) => (same.length === 1 ? (same[0] as HookFileEditor) : combined(same)));
}

function combined(editors: readonly HookFileEditor[]): HookFileEditor {
  const first = editors[0] as HookFileEditor;
  return {
    target: first.target,
    scope: first.scope,
    path: first.path,
    newFileMode: first.newFileMode,
    install(current: Buffer | null): Edit {
      let bytes = current;
      const events: string[] = [];
      const foreign: string[] = [];
      for (const editor of editors) {
        const edit = editor.install(bytes);
        bytes = edit.bytes;
        events.push(...edit.events);
        foreign.push(...edit.foreign);
      }
      return { bytes: bytes ?? Buffer.alloc(0), events, foreign };
    },
    remove(current: Buffer) {
      let bytes: Buffer = current;
      const events: string[] = [];
      for (const editor of editors) {
        const removal = editor.remove(bytes);
        events.push(...removal.events);
        if (removal.bytes === null) return { bytes: null, events };
        bytes = removal.bytes;
      }
      return { bytes, events };
    },
    inspect(current: Buffer | null): Inspection {
      const all = editors.map((e) => e.inspect(current));
      const states = new Set(all.map((i) => i.state));
      const state = states.size === 1 ? (all[0] as Inspection).state : 'partial';
      return { state, missing: all.flatMap((i) => i.missing), foreign: all.flatMap((i) => i.foreign) };
    },
    hasOurs: (current) => editors.some((e) => e.hasOurs(current)),
    isBlank: (current) => editors.every((e) => e.isBlank(current)),
  };
}
