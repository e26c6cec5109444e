// Pi's extension file: written whole, recognised by its first line, deleted on uninstall; and
// the extension itself, loaded as pi loads it (a default export given `pi`), forwarding events
// to a stand-in `git-trace` found by real git on PATH.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../../lib/errors.js';
import { hookStatus, installHooks, PI_EVENTS, PI_EXTENSION_FORMAT, piExtensionSource, uninstallHooks } from '../../lib/hooks/index.js';
import { PI_HOOK_WAIT_MS } from '../../lib/hooks/pi.js';
import { sandbox, type Sandbox } from './sandbox.js';

const boxes: Sandbox[] = [];
function newBox(extra: Readonly<Record<string, string>> = {}): Sandbox {
  const box = sandbox(extra);
  boxes.push(box);
  return box;
}
after(() => boxes.forEach((b) => b.cleanup()));

describe('pi extension file', () => {
  test('install writes the extension with a versioned marker; uninstall deletes it and the folder it created', async () => {
    const box = newBox();
    mkdirSync(join(box.home, '.pi', 'agent'), { recursive: true });
    const path = join(box.home, '.pi', 'agent', 'extensions', 'git-trace.ts');
    const options = { agents: ['pi'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    const [created] = await installHooks(options);
    assert.deepEqual([created?.action, created?.path, created?.events], ['created', path, [...PI_EVENTS]]);
    const text = readFileSync(path, 'utf8');
    assert.equal(text, piExtensionSource());
    assert.match(text.split('\n')[0] ?? '', new RegExp(`^// git-trace pi extension, format ${PI_EXTENSION_FORMAT}:`));
    assert.equal((await installHooks(options))[0]?.action, 'unchanged');
    const [status] = await hookStatus({ agents: ['pi'], workTree: null, env: box.env });
    assert.equal(status?.state, 'installed');

    const [removed] = await uninstallHooks(options);
    assert.equal(removed?.action, 'deleted');
    assert.equal(existsSync(join(box.home, '.pi', 'agent', 'extensions')), false);
    assert.equal(existsSync(join(box.home, '.pi', 'agent')), true, 'the agent folder was there before');
  });

  test('an extension of ours from another version is outdated, and install rewrites it', async () => {
    const box = newBox();
    const path = join(box.home, '.pi', 'agent', 'extensions', 'git-trace.ts');
    box.write(path, '// git-trace pi extension, format 0: old\nexport default function () {}\n');
    const [status] = await hookStatus({ agents: ['pi'], workTree: null, env: box.env });
    assert.equal(status?.state, 'outdated');
    const options = { agents: ['pi'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    assert.equal((await installHooks(options))[0]?.action, 'updated');
    assert.equal(readFileSync(path, 'utf8'), piExtensionSource());
    // What was there was ours too, so uninstall deletes the file rather than bringing the old one back.
    assert.equal((await uninstallHooks(options))[0]?.action, 'deleted');
    assert.equal(existsSync(path), false);
  });

  test('a file of the same name that we did not write is never overwritten or deleted', async () => {
    const box = newBox();
    const path = join(box.home, '.pi', 'agent', 'extensions', 'git-trace.ts');
    const theirs = 'export default function (pi) { pi.on("session_start", () => {}); }\n';
    box.write(path, theirs);
    const options = { agents: ['pi'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    await assert.rejects(installHooks(options), (e: unknown) => e instanceof InputError && e.message.includes(`'${path}' exists and was not written by git-trace`));
    assert.equal((await hookStatus({ agents: ['pi'], workTree: null, env: box.env }))[0]?.state, 'foreign');
    assert.equal((await uninstallHooks(options))[0]?.action, 'absent');
    assert.equal(readFileSync(path, 'utf8'), theirs);
  });

  test('PI_CODING_AGENT_DIR (with ~) and project scope choose the folder', async () => {
    const box = newBox();
    const env = { ...box.env, PI_CODING_AGENT_DIR: '~/pi-home' };
    await installHooks({ agents: ['pi'], scope: 'user', workTree: null, env, stateDir: null });
    assert.equal(existsSync(join(box.home, 'pi-home', 'extensions', 'git-trace.ts')), true);
    const workTree = join(box.home, 'repo');
    const stateDir = join(workTree, '.git', 'opentraces');
    mkdirSync(stateDir, { recursive: true });
    const [project] = await installHooks({ agents: ['pi'], scope: 'project', workTree, env, stateDir });
    assert.equal(project?.path, join(workTree, '.pi', 'extensions', 'git-trace.ts'));
    await uninstallHooks({ agents: ['pi'], scope: 'project', workTree, env, stateDir });
    assert.deepEqual(readdirSync(workTree), ['.git'], 'the .pi folder install created is gone');
  });
});

type Handler = (event: unknown, ctx: unknown) => Promise<unknown>;

describe('pi extension at work', () => {
  let box: Sandbox;
  let outDir: string;
  const handlers = new Map<string, Handler>();
  const savedPath = process.env['PATH'];

  before(async () => {
    box = newBox();
    outDir = join(box.home, 'payloads');
    mkdirSync(outDir);
    // A stand-in git-trace: git finds it on PATH for `git trace hook pi` and it keeps each stdin.
    const bin = join(box.home, 'bin');
    box.write(join(bin, 'git-trace'), '#!/bin/sh\n[ -n "$FAKE_HOOK_SLEEP" ] && sleep "$FAKE_HOOK_SLEEP"\necho "$*" > "$FAKE_HOOK_OUT/$$.args"\ncat > "$FAKE_HOOK_OUT/$$.json"\n');
    chmodSync(join(bin, 'git-trace'), 0o755);
    process.env['PATH'] = `${bin}:${savedPath ?? ''}`;
    process.env['FAKE_HOOK_OUT'] = outDir;
    const file = join(box.home, 'extension.mjs');
    writeFileSync(file, piExtensionSource());
    const module = (await import(pathToFileURL(file).href)) as { default: (pi: unknown) => void };
    module.default({ on: (name: string, handler: Handler) => handlers.set(name, handler) });
  });
  after(() => {
    process.env['PATH'] = savedPath;
    delete process.env['FAKE_HOOK_OUT'];
    delete process.env['FAKE_HOOK_SLEEP'];
  });

  /** Every run so far was `git-trace hook pi`. */
  function assertArguments(): void {
    const runs = readdirSync(outDir).filter((f) => f.endsWith('.args'));
    assert.ok(runs.length > 0);
    for (const f of runs) assert.equal(readFileSync(join(outDir, f), 'utf8'), 'hook pi\n');
  }

  const ctx = (cwd: string): unknown => ({ cwd, sessionManager: { getSessionId: () => 'abc-123', getSessionFile: () => '/tmp/session.jsonl' } });

  test('subscribes to the session and tool events', () => {
    assert.deepEqual([...handlers.keys()], ['session_start', 'input', 'tool_call', 'tool_result', 'agent_end', 'session_shutdown']);
  });

  const rows: readonly { name: string; event: unknown; expect: Record<string, unknown> }[] = [
    { name: 'session_start', event: { reason: 'startup' }, expect: { hook_event_name: 'session_start' } },
    { name: 'input', event: { text: 'add a --verbose flag', source: 'interactive' }, expect: { hook_event_name: 'input', prompt: 'add a --verbose flag' } },
    {
      name: 'tool_call',
      event: { toolName: 'bash', toolCallId: 'call-1', input: { command: 'ls' } },
      expect: { hook_event_name: 'tool_call', tool_name: 'bash', tool_call_id: 'call-1', tool_input: { command: 'ls' } },
    },
    {
      name: 'tool_result',
      event: { toolName: 'bash', toolCallId: 'call-1', input: { command: 'ls' }, content: [{ type: 'text', text: 'a.ts' }], details: { exitCode: 0 }, isError: false },
      expect: {
        hook_event_name: 'tool_result',
        tool_name: 'bash',
        tool_call_id: 'call-1',
        tool_input: { command: 'ls' },
        tool_response: { content: [{ type: 'text', text: 'a.ts' }], details: { exitCode: 0 }, isError: false },
      },
    },
    { name: 'agent_end', event: { messages: [] }, expect: { hook_event_name: 'agent_end' } },
    { name: 'session_shutdown', event: { reason: 'quit' }, expect: { hook_event_name: 'session_shutdown' } },
  ];
  for (const row of rows) {
    test(`${row.name} hands its payload to 'git trace hook pi' and returns nothing (never blocks the tool)`, async () => {
      const before = new Set(readdirSync(outDir));
      const result = await handlers.get(row.name)?.(row.event, ctx(box.home));
      assert.equal(result, undefined);
      const fresh = readdirSync(outDir).filter((f) => f.endsWith('.json') && !before.has(f));
      assert.equal(fresh.length, 1);
      const payload = JSON.parse(readFileSync(join(outDir, fresh[0] ?? ''), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(payload, { session_id: 'abc-123', session_file: '/tmp/session.jsonl', cwd: box.home, ...row.expect });
      assertArguments();
    });
  }

  test('a broken context, an unserializable input or a missing cwd never throws into pi', async () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const badCtx = { cwd: box.home, sessionManager: { getSessionId: () => { throw new Error('no'); }, getSessionFile: () => { throw new Error('no'); } } };
    const before = new Set(readdirSync(outDir));
    assert.equal(await handlers.get('tool_call')?.({ toolName: 'edit', toolCallId: 'c2', input: circular }, badCtx), undefined);
    const fresh = readdirSync(outDir).filter((f) => f.endsWith('.json') && !before.has(f));
    const payload = JSON.parse(readFileSync(join(outDir, fresh[0] ?? ''), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(payload, { hook_event_name: 'tool_call', cwd: box.home, tool_name: 'edit', tool_call_id: 'c2' });
    assert.equal(await handlers.get('session_start')?.(undefined, undefined), undefined);
    assert.equal(await handlers.get('agent_end')?.({}, { cwd: join(box.home, 'no-such-folder') }), undefined);
  });

  test('a hook that hangs holds pi up for the wait limit only', async () => {
    process.env['FAKE_HOOK_SLEEP'] = '8';
    try {
      const started = Date.now();
      assert.equal(await handlers.get('tool_call')?.({ toolName: 'bash', toolCallId: 'c3', input: {} }, ctx(box.home)), undefined);
      const waited = Date.now() - started;
      assert.ok(waited >= PI_HOOK_WAIT_MS - 100 && waited < PI_HOOK_WAIT_MS + 2000, `waited ${waited} ms`);
    } finally {
      delete process.env['FAKE_HOOK_SLEEP'];
    }
  });
});
