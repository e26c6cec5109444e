// The import pipeline over real transcripts: discovery by work tree, idempotence, incremental
// import after the agent appended, redaction at capture, and `show` reading like the session.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { claudeSlug } from '../../lib/agents/claude-code/index.js';
import { sharedTranscript, skipWithoutShared } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const SOURCE = 'cc_agtrace_claude_session_v2.0.28.jsonl';
const ORIGINAL_CWD = '/Users/test_user/agent-sample';
const SESSION = '7f2abd2d-7cfc-4447-9ddd-3ca8d14e02e9';

/** The fixture as if it had run in `dir`: its cwd fields rewritten, nothing else changed. */
function relocated(dir: string): string[] {
  return readFileSync(sharedTranscript('claude-code', SOURCE), 'utf8').split(ORIGINAL_CWD).join(dir).split('\n').filter((l) => l !== '');
}

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('importing Claude Code transcripts found for this repository', { skip: skipWithoutShared }, () => {
  let r: TempRepo;
  let claudeDir: string;
  let transcript: string;
  let lines: string[];
  let env: Record<string, string>;

  before(() => {
    testIdentityFile();
    r = tempRepo({ 'README.md': 'x\n' });
    claudeDir = join(r.dir, '..', `claude-${process.pid}`);
    const project = join(claudeDir, 'projects', claudeSlug(r.dir));
    mkdirSync(project, { recursive: true });
    transcript = join(project, `${SESSION}.jsonl`);
    lines = relocated(r.dir);
    env = { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: join(claudeDir, 'none'), GEMINI_CLI_HOME: join(claudeDir, 'none'), PI_CODING_AGENT_DIR: join(claudeDir, 'none') };
    assert.equal(r.trace(['init']).status, 0);
  });
  after(() => r.cleanup());

  test('finds the session by its cwd and imports half of it', () => {
    writeFileSync(transcript, lines.slice(0, 12).join('\n') + '\n');
    const result = r.trace(['import', '--json'], { env });
    assert.equal(result.status, 0, result.stderr);
    const summary = json(result.stdout);
    assert.equal(summary['sessions'], 1);
    assert.ok((summary['added'] as number) > 0);
  });

  test('after the agent appended, a re-import adds exactly the new steps', () => {
    const before = json(r.trace(['show', '--json', SESSION]).stdout)['steps'] as unknown[];
    appendFileSync(transcript, lines.slice(12).join('\n') + '\n');
    const result = json(r.trace(['import', '--json'], { env }).stdout);
    const after = json(r.trace(['show', '--json', SESSION]).stdout)['steps'] as { id: string }[];
    assert.equal((result['added'] as number) + before.length, after.length);
    // The same as importing the whole file at once into a fresh repository.
    const whole = tempRepo();
    try {
      assert.equal(whole.trace(['init']).status, 0);
      const file = join(whole.dir, '..', `whole-${process.pid}.jsonl`);
      writeFileSync(file, lines.join('\n') + '\n');
      assert.equal(whole.trace(['import', file]).status, 0);
      const wholeSteps = json(whole.trace(['show', '--json', SESSION]).stdout)['steps'] as { id: string }[];
      assert.deepEqual(after.map((s) => s.id).sort(), wholeSteps.map((s) => s.id).sort());
    } finally {
      whole.cleanup();
    }
  });

  test('importing again adds nothing and writes nothing', () => {
    const tip = r.git('rev-parse', `refs/opentraces/sessions/${SESSION}`);
    const result = r.trace(['import', '--json'], { env });
    assert.equal(result.status, 0);
    assert.equal(json(result.stdout)['added'], 0);
    assert.equal(r.git('rev-parse', `refs/opentraces/sessions/${SESSION}`), tip);
  });

  test('show reads like the session: prompts, replies, tool calls with results, edits, tokens and cost', () => {
    const shown = r.trace(['show', SESSION]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /prompt\s+add myapp directory and create myapp\/hoge\.py/);
    assert.match(shown.stdout, /tool\s+Bash mkdir -p myapp → exit 0/);
    assert.match(shown.stdout, /tool\s+Write .*myapp\/hoge\.py → ok \(1 file \+1 -0\)/);
    assert.match(shown.stdout, /message\s+Perfect! The script executed successfully/);
    assert.match(shown.stdout, /^Tokens:\s+\d+ in, \d+ out/m);
    assert.match(shown.stdout, /^Cost:\s+\$\d/m);
    const steps = json(r.trace(['show', '--json', SESSION]).stdout)['steps'] as { kind: string; patches?: { path: string; diff: string }[] }[];
    const write = steps.find((s) => s.patches !== undefined);
    assert.equal(write?.patches?.[0]?.path, 'myapp/hoge.py');
    assert.match(write?.patches?.[0]?.diff ?? '', /^--- \/dev\/null\n\+\+\+ b\/myapp\/hoge\.py\n@@ -0,0 \+1(,1)? @@\n\+print\(1\+1\)/);
  });
});

describe('secrets planted in a transcript never reach the store', { skip: skipWithoutShared }, () => {
  test('a token in a prompt and in a tool output is redacted and counted', () => {
    testIdentityFile();
    const r = tempRepo();
    try {
      assert.equal(r.trace(['init']).status, 0);
      // Built at run time so no token-shaped string sits in the repository.
      const token = ['ghp', '_', 'Z9xq4T7mWv2LkP8sNcB3dHf6Jr1YgQe5Ua0K'].join('');
      const awsKey = ['AKIA', 'QX7P2M9RT4KV6WZ3'].join('');
      const text = readFileSync(sharedTranscript('claude-code', SOURCE), 'utf8')
        .replace('add myapp directory', `use ${token} to add myapp directory`)
        .replace('"type":"tool_result","content":"2', `"type":"tool_result","content":"aws_access_key_id=${awsKey} 2`);
      assert.ok(text.includes(token) && text.includes(awsKey));
      const file = join(r.dir, '..', `planted-${process.pid}.jsonl`);
      writeFileSync(file, text);
      const result = r.trace(['import', file]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /redacted \d+ secrets?/);
      const shown = r.trace(['show', '--json', SESSION]).stdout;
      assert.equal(shown.includes(token), false);
      assert.equal(shown.includes(awsKey), false);
      assert.match(shown, /\[REDACTED:[a-z-]+\]/);
      const redactions = (json(shown)['session'] as { redactions: Record<string, number> }).redactions;
      assert.ok(Object.values(redactions).reduce((a, b) => a + b, 0) >= 2, JSON.stringify(redactions));
      const oids = r.git('rev-list', '--objects', '--glob=refs/opentraces/*').split('\n').map((l) => l.split(' ')[0]).filter((o) => o);
      const raw = execFileSync('git', ['cat-file', '--batch'], { cwd: r.dir, input: oids.join('\n') + '\n', maxBuffer: 64 << 20 });
      assert.equal(raw.includes(Buffer.from(token)), false);
      // The local index holds redacted text only: search finds the marker, never the secret.
      const hits = r.trace(['search', '--json', 'myapp']);
      assert.equal(hits.status, 0, hits.stderr);
      assert.match(hits.stdout, /REDACTED/);
      const dir = join(r.dir, '.git', 'opentraces');
      const index = Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('catalog.sqlite')).map((f) => readFileSync(join(dir, f))));
      assert.ok(index.length > 0);
      assert.equal(index.includes(Buffer.from(token)), false);
      assert.equal(index.includes(Buffer.from(awsKey)), false);
    } finally {
      r.cleanup();
    }
  });
});
