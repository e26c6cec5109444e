// A tool that creates a file: the snapshot before it runs looks for a file that does not exist
// yet. That must be captured as an added file, with nothing in the hook log (it used to log
// "git add -A failed: pathspec ':(literal)X' did not match any files" on every new file, so
// doctor reported hook errors during normal use). Deleting a tracked file is captured too.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const SESSION = 'a0b1c2d3-new-file-0000-000000000001';
let r: TempRepo;
let live: LiveSession;

before(() => {
  testIdentityFile();
  r = tempRepo({ 'src/keep.ts': 'export const keep = 1;\n', 'src/old.ts': 'export const old = 1;\n' });
  assert.equal(r.trace(['init']).status, 0);
  live = new LiveSession(r, 'claude-code', SESSION, null);
});
after(() => r.cleanup());

function hookLog(): string {
  const path = join(r.dir, '.git', 'opentraces', 'logs', 'hook.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

test('Write of a new file and a shell rm: both captured, nothing logged', () => {
  live.hook('SessionStart', { source: 'startup' });
  live.hook('UserPromptSubmit', { prompt: 'add a greeting module and drop old.ts' });

  const file = join(r.dir, 'src', 'greet', 'hello.ts');
  const input = { file_path: file, content: 'export const hello = "hi";\n' };
  live.hook('PreToolUse', { tool_name: 'Write', tool_input: input, tool_use_id: 'toolu_write' });
  mkdirSync(join(r.dir, 'src', 'greet'), { recursive: true });
  writeFileSync(file, input.content);
  live.hook('PostToolUse', { tool_name: 'Write', tool_input: input, tool_use_id: 'toolu_write', tool_response: { type: 'create', filePath: file, content: input.content } });

  const rm = { command: 'rm src/old.ts', description: 'remove the old module' };
  live.hook('PreToolUse', { tool_name: 'Bash', tool_input: rm, tool_use_id: 'toolu_rm' });
  rmSync(join(r.dir, 'src', 'old.ts'));
  live.hook('PostToolUse', { tool_name: 'Bash', tool_input: rm, tool_use_id: 'toolu_rm', tool_response: { stdout: '', stderr: '', interrupted: false } });
  live.hook('SessionEnd', { reason: 'exit' });

  const flushed = r.trace(['flush']);
  assert.equal(flushed.status, 0, flushed.stderr);
  assert.equal(hookLog(), '', 'the hook log stays empty');
  const show = r.trace(['show', '--json', SESSION]);
  assert.equal(show.status, 0, show.stderr);
  const steps = (JSON.parse(show.stdout) as { steps: { patches?: { path: string; diff?: string }[] }[] }).steps;
  const patches = steps.flatMap((s) => s.patches ?? []);
  const added = patches.find((p) => p.path === 'src/greet/hello.ts');
  assert.ok(added !== undefined, `the new file is a patch: ${JSON.stringify(patches.map((p) => p.path))}`);
  assert.match(added.diff ?? '', /\+export const hello = "hi";/);
  assert.ok(patches.some((p) => p.path === 'src/old.ts' && /-export const old = 1;/.test(p.diff ?? '')), 'the removal is a patch');
  const doctor = r.trace(['doctor', '--json']);
  assert.doesNotMatch(doctor.stdout, /did not match any files/);
});
