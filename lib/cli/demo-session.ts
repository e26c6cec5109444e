// The session the demo plays: a Claude Code session that fixes a parser through the Edit tool
// and bumps a version with a shell command, captured through the real hooks while the demo
// edits the files between PreToolUse and PostToolUse, with the transcript the agent would write.

export const DEMO_SESSION = '5f2c1e9a-d3m0-4c1e-9a2b-0d3e6f5a4b3c';

const PARSE_BEFORE = 'export function parse(text) {\n  return text.split(",");\n}\n';
const PARSE_AFTER = 'export function parse(text) {\n  return text.split(",").map((field) => field.trim());\n}\n';

export interface DemoFiles {
  readonly [path: string]: string;
}

export const DEMO_START: DemoFiles = { 'parse.js': PARSE_BEFORE, 'VERSION': '1.0.0\n' };

/** One thing that happens in the session, in order. */
export type DemoEvent =
  | { readonly kind: 'hook'; readonly payload: Record<string, unknown> }
  | { readonly kind: 'transcript'; readonly records: readonly Record<string, unknown>[] }
  | { readonly kind: 'edit'; readonly files: DemoFiles };

export function demoEvents(workTree: string): DemoEvent[] {
  const t0 = Date.parse('2026-11-20T09:00:00Z');
  let clock = 0;
  const at = (seconds: number): string => new Date(t0 + (clock += seconds) * 1000).toISOString();
  const base = { session_id: DEMO_SESSION, cwd: workTree };
  const record = (type: string, uuid: string, parent: string | null, message: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    parentUuid: parent, isSidechain: false, userType: 'external', cwd: workTree, sessionId: DEMO_SESSION, version: '2.1.41', gitBranch: 'main', type, message, uuid, timestamp: at(2), ...extra,
  });
  const usage = (input: number, output: number, cacheRead: number): Record<string, number> => ({ input_tokens: input, output_tokens: output, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: 1200 });
  const model = 'claude-sonnet-4-5-20250929';
  const prompt = 'parse() should ignore spaces around commas; then bump VERSION to 1.0.1';
  const edit = { file_path: `${workTree}/parse.js`, old_string: 'return text.split(",");', new_string: 'return text.split(",").map((field) => field.trim());' };
  const sed = { command: "sed -i 's/1.0.0/1.0.1/' VERSION", description: 'Bump the version' };
  return [
    { kind: 'hook', payload: { ...base, hook_event_name: 'SessionStart', source: 'startup' } },
    { kind: 'hook', payload: { ...base, hook_event_name: 'UserPromptSubmit', prompt } },
    {
      kind: 'transcript',
      records: [
        record('user', 'u1', null, { role: 'user', content: prompt }),
        record('assistant', 'a1', 'u1', { id: 'msg_1', role: 'assistant', model, content: [{ type: 'thinking', thinking: 'Trim each field after splitting, then bump the version with sed.', signature: '' }], usage: usage(900, 40, 8000) }, { requestId: 'req_1' }),
        record('assistant', 'a2', 'a1', { id: 'msg_1', role: 'assistant', model, content: [{ type: 'tool_use', id: 'toolu_edit', name: 'Edit', input: edit }], usage: usage(900, 160, 8000) }, { requestId: 'req_1' }),
      ],
    },
    { kind: 'hook', payload: { ...base, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: edit, tool_use_id: 'toolu_edit' } },
    { kind: 'edit', files: { 'parse.js': PARSE_AFTER } },
    { kind: 'hook', payload: { ...base, hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: edit, tool_use_id: 'toolu_edit', tool_response: { filePath: edit.file_path } } },
    {
      kind: 'transcript',
      records: [
        record('user', 'r1', 'a2', { role: 'user', content: [{ tool_use_id: 'toolu_edit', type: 'tool_result', content: `The file ${edit.file_path} has been updated.` }] }, { toolUseResult: { filePath: edit.file_path, oldString: edit.old_string, newString: edit.new_string, originalFile: PARSE_BEFORE, replaceAll: false, userModified: false, structuredPatch: [] } }),
        record('assistant', 'a3', 'r1', { id: 'msg_2', role: 'assistant', model, content: [{ type: 'tool_use', id: 'toolu_sed', name: 'Bash', input: sed }], usage: usage(1100, 70, 9100) }, { requestId: 'req_2' }),
      ],
    },
    { kind: 'hook', payload: { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: sed, tool_use_id: 'toolu_sed' } },
    { kind: 'edit', files: { VERSION: '1.0.1\n' } },
    { kind: 'hook', payload: { ...base, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: sed, tool_use_id: 'toolu_sed', tool_response: { stdout: '', stderr: '', interrupted: false } } },
    {
      kind: 'transcript',
      records: [
        record('user', 'r2', 'a3', { role: 'user', content: [{ tool_use_id: 'toolu_sed', type: 'tool_result', content: '' }] }, { toolUseResult: { stdout: '', stderr: '', interrupted: false, isImage: false } }),
        record('assistant', 'a4', 'r2', { id: 'msg_3', role: 'assistant', model, content: [{ type: 'text', text: 'parse() now trims every field, and VERSION is 1.0.1.' }], usage: usage(1200, 25, 9300) }, { requestId: 'req_3' }),
      ],
    },
    { kind: 'hook', payload: { ...base, hook_event_name: 'Stop', stop_hook_active: false } },
  ];
}
