// Live capture keeps no secret at rest: the hook redacts a prompt and a tool call's input and
// output before spooling them (the patch a call made is not spooled: flush derives it from the
// snapshots and redacts it), so the spool under the git common dir never holds a token, even
// before flush; the stored steps carry the markers and the counts.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { AWS_KEY, GITHUB_TOKEN, secretsIn } from '../helpers/secrets.js';
import { testIdentityFile } from '../helpers/store.js';

const SESSION = 'live-with-secrets';

/** Every file under the git dir but its object store (git's own, zlib-compressed). */
function filesAtRest(gitDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (path === join(gitDir, 'objects')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(gitDir);
  return out;
}

describe('live capture of a session whose prompt, tool call and edit hold secrets', () => {
  let r: TempRepo;
  let live: LiveSession;
  before(() => {
    testIdentityFile();
    r = tempRepo();
    assert.equal(r.trace(['init']).status, 0);
    live = new LiveSession(r, 'claude-code', SESSION, null);
    live.hook('UserPromptSubmit', { prompt: `deploy with the token ${GITHUB_TOKEN}` });
    const command = `AWS_ACCESS_KEY_ID=${AWS_KEY} ./deploy.sh`;
    live.hook('PreToolUse', { tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_1' });
    writeFileSync(join(r.dir, 'deploy.env'), `TOKEN=${GITHUB_TOKEN}\n`);
    live.hook('PostToolUse', { tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_1', tool_response: { stdout: `using ${AWS_KEY}`, stderr: '', interrupted: false } });
    live.hook('Stop', {});
  });
  after(() => r.cleanup());

  test('before flush, no file under the git dir (spool, pending calls, logs) holds a secret', () => {
    const files = filesAtRest(join(r.dir, '.git'));
    const spools = files.filter((f) => f.endsWith('spool.jsonl'));
    assert.equal(spools.length, 1, files.join('\n'));
    assert.match(readFileSync(spools[0] ?? '', 'utf8'), /\[REDACTED:[a-z-]+\]/);
    for (const file of files) assert.deepEqual(secretsIn(readFileSync(file)), [], file);
  });

  test('after flush, the stored steps hold markers in their place and count them', () => {
    const flushed = r.trace(['flush']);
    assert.equal(flushed.status, 0, flushed.stderr);
    const shown = r.trace(['show', '--json', SESSION]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.deepEqual(secretsIn(shown.stdout), []);
    const session = JSON.parse(shown.stdout) as { session: { redactions?: Record<string, number> }; steps: { kind: string; text?: string; tool?: { input: unknown; output?: string }; patches?: { diff: string }[] }[] };
    const prompt = session.steps.find((s) => s.kind === 'prompt');
    const tool = session.steps.find((s) => s.kind === 'tool');
    assert.match(prompt?.text ?? '', /^deploy with the token \[REDACTED:[a-z-]+\]$/);
    assert.match(JSON.stringify(tool?.tool?.input), /AWS_ACCESS_KEY_ID=\[REDACTED:[a-z-]+\]/);
    assert.match(tool?.tool?.output ?? '', /using \[REDACTED:[a-z-]+\]/);
    assert.match(tool?.patches?.map((p) => p.diff).join('\n') ?? '', /\+TOKEN=\[REDACTED:[a-z-]+\]/);
    const total = Object.values(session.session.redactions ?? {}).reduce((a, b) => a + b, 0);
    assert.ok(total >= 4, JSON.stringify(session.session));
  });
});
