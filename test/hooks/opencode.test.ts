// OpenCode's plugin file: written whole under `plugins/`, recognised by its first line, deleted on
// uninstall; and the plugin at work, loaded as OpenCode loads a plugin (an exported async
// function given the plugin context, returning its hooks) and driven with the input shapes
// OpenCode's plugin documentation gives, forwarding to the real `git trace hook opencode` (git
// finds a `git-trace` on PATH that runs this build) in a real repository: the session then flushes
// with its prompt, its tool calls and the patch a shell command made.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { hookStatus, installHooks, uninstallHooks } from '../../lib/hooks/index.js';
import { OPENCODE_EVENTS, OPENCODE_PLUGIN_FORMAT, openCodePluginSource } from '../../lib/agents/opencode/hooks.js';
import { CLI } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { sandbox, type Sandbox } from './sandbox.js';

const boxes: Sandbox[] = [];
const repos: TempRepo[] = [];
after(() => {
  boxes.forEach((b) => b.cleanup());
  repos.forEach((r) => r.cleanup());
});

describe('opencode plugin file', () => {
  test('install writes the plugin with a versioned marker where OpenCode loads plugins; uninstall deletes it', async () => {
    const box = sandbox();
    boxes.push(box);
    mkdirSync(join(box.home, '.config', 'opencode'), { recursive: true });
    const path = join(box.home, '.config', 'opencode', 'plugins', 'git-trace.js');
    const options = { agents: ['opencode'], scope: 'user', workTree: null, env: box.env, stateDir: null } as const;
    const [created] = await installHooks(options);
    assert.deepEqual([created?.action, created?.path, created?.events], ['created', path, [...OPENCODE_EVENTS]]);
    assert.match(box.read(path).toString('utf8').split('\n')[0] ?? '', new RegExp(`^// git-trace opencode plugin, format ${OPENCODE_PLUGIN_FORMAT}:`));
    assert.equal((await hookStatus(options)).find((h) => h.target === 'opencode')?.state, 'installed');
    const [removed] = await uninstallHooks(options);
    assert.equal(removed?.action, 'deleted');
    assert.equal(existsSync(path), false);
  });
});

type Hooks = Record<string, (input: unknown, output?: unknown) => Promise<void>>;

describe('opencode plugin at work', () => {
  test('a prompt, a shell command that edits a file, a read and the idle event become a stored session', async () => {
    testIdentityFile();
    const r = tempRepo({ 'src/app.ts': 'export const version = 1;\n' });
    repos.push(r);
    assert.equal(r.trace(['init']).status, 0);
    const box = sandbox();
    boxes.push(box);
    const bin = join(box.home, 'bin');
    box.write(join(bin, 'git-trace'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'git-trace'), 0o755);
    const saved = { PATH: process.env['PATH'], flush: process.env['GIT_TRACE_BACKGROUND_FLUSH'] };
    process.env['PATH'] = `${bin}:${saved.PATH ?? ''}`;
    process.env['GIT_TRACE_BACKGROUND_FLUSH'] = '0';
    try {
      const file = join(box.home, 'git-trace-plugin.mjs');
      writeFileSync(file, openCodePluginSource());
      const module = (await import(pathToFileURL(file).href)) as { GitTrace: (ctx: unknown) => Promise<Hooks> };
      const hooks = await module.GitTrace({ directory: r.dir, worktree: r.dir, project: {}, client: {}, $: undefined });
      assert.deepEqual(Object.keys(hooks).sort(), ['chat.message', 'event', 'tool.execute.after', 'tool.execute.before']);
      const session = { sessionID: 'ses_opencode_live_1' };
      await hooks['event']?.({ event: { type: 'session.created', properties: { info: { id: session.sessionID } } } });
      await hooks['chat.message']?.({ ...session, messageID: 'msg_1' }, { message: {}, parts: [{ type: 'text', text: 'bump the version' }] });
      const bash = { tool: 'bash', ...session, callID: 'call_1' };
      await hooks['tool.execute.before']?.(bash, { args: { command: "sed -i 's/1/2/' src/app.ts" } });
      writeFileSync(join(r.dir, 'src', 'app.ts'), 'export const version = 2;\n');
      await hooks['tool.execute.after']?.(bash, { title: 'sed', output: '', metadata: { exit: 0 } });
      const read = { tool: 'read', ...session, callID: 'call_2' };
      await hooks['tool.execute.before']?.(read, { args: { filePath: join(r.dir, 'src', 'app.ts') } });
      await hooks['tool.execute.after']?.(read, { title: 'src/app.ts', output: 'export const version = 2;', metadata: {} });
      await hooks['event']?.({ event: { type: 'session.idle', properties: { sessionID: session.sessionID } } });
      // A broken event never throws into OpenCode.
      await hooks['event']?.({ event: null });
      await hooks['tool.execute.after']?.(undefined, undefined);
    } finally {
      process.env['PATH'] = saved.PATH;
      if (saved.flush === undefined) delete process.env['GIT_TRACE_BACKGROUND_FLUSH'];
      else process.env['GIT_TRACE_BACKGROUND_FLUSH'] = saved.flush;
    }
    assert.equal(r.trace(['flush']).status, 0);
    const shown = r.trace(['show', '--json', 'ses_opencode_live_1']);
    assert.equal(shown.status, 0, shown.stderr);
    const { session, steps } = JSON.parse(shown.stdout) as { session: { agent: string }; steps: { kind: string; text?: string; tool?: { name?: string }; patches?: { path: string; diff: string; origin: string }[] }[] };
    assert.equal(session.agent, 'opencode');
    assert.equal(steps.find((s) => s.kind === 'prompt')?.text, 'bump the version');
    const tools = steps.filter((s) => s.kind === 'tool');
    assert.deepEqual(tools.map((s) => s.tool?.name), ['bash', 'read']);
    const patch = tools[0]?.patches?.find((p) => p.origin === 'observed');
    assert.equal(patch?.path, 'src/app.ts');
    assert.match(patch?.diff ?? '', /^-export const version = 1;$/m);
    assert.match(patch?.diff ?? '', /^\+export const version = 2;$/m);
    assert.deepEqual(tools[1]?.patches ?? [], [], 'a read makes no patch');
  });
});
