// `git trace mcp` as an agent meets it: the SDK's own client spawns the built CLI over stdio on a
// real repository (a live-captured session with commits, an imported one, one encrypted to
// another key), lists the tools (none writes), calls each, and checks the answers: concrete ids,
// text and blame rows; a secret stored before its rule was on never comes out; home paths are
// scrubbed; large answers are bounded; a session the key cannot read is a tool error naming it.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { SECRETS, GITHUB_TOKEN, AWS_KEY } from '../helpers/secrets.js';
import { MATH, ScenarioRun, SUBTRACT } from '../trail/scenario.js';

const STEPS = 'mcp-steps-0001';
const FOREIGN = 'foreign-0001';
const FORGED = 'forged-0001';
const HOME_PATH = '/home/alice/work/app';
const BIG = Array.from({ length: 3000 }, (_, i) => `line ${i} of a very long build log`).join('\n');

function stepsFile(id: string, text: string): string {
  const lines = [
    { type: 'session', id, agent: 'codex', startedAt: '2026-11-01T08:00:00Z', title: `the ${id} session`, cwd: HOME_PATH },
    { type: 'step', v: 1, id: `${id}:p`, kind: 'prompt', timestamp: '2026-11-01T08:00:00Z', text },
    { type: 'step', v: 1, id: `${id}:t`, kind: 'tool', timestamp: '2026-11-01T08:00:05Z', tool: { name: 'shell', callId: 't1', input: { command: 'npm run build' }, output: BIG, exitCode: 0, status: 'ok' } },
    ...Array.from({ length: 250 }, (_, i) => ({ type: 'step', v: 1, id: `${id}:m${i}`, kind: 'message', timestamp: '2026-11-01T08:01:00Z', text: `progress note ${i}` })),
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

describe('git trace mcp', () => {
  const run = new ScenarioRun({
    name: 'mcp',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add a subtract function' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'add subtract' },
    ],
    checks: [],
  });
  let other: TempRepo;
  let keys: string;
  let client: Client;
  let stderr = '';
  const answers: string[] = [];

  before(async () => {
    run.play();
    const r = run.repo;
    keys = mkdtempSync(join(tmpdir(), 'git-trace-mcp-'));
    // Stored before redaction was on: the server must redact it on the way out.
    r.git('config', 'trace.redact', 'false');
    writeFileSync(join(keys, 'steps.jsonl'), stepsFile(STEPS, `tune the parser in ${HOME_PATH}; the token is ${GITHUB_TOKEN} and the key ${AWS_KEY}`));
    const imported = r.trace(['import', '--format', 'steps', join(keys, 'steps.jsonl')]);
    assert.equal(imported.status, 0, imported.stderr);
    r.git('config', '--unset', 'trace.redact');
    writeFileSync(join(keys, 'forged.jsonl'), stepsFile(FORGED, 'a task someone rewrote'));
    assert.equal(r.trace(['import', '--format', 'steps', join(keys, 'forged.jsonl')]).status, 0);
    // Anyone with push access can add a commit no recipient signed: the session is untrusted.
    const tip = r.git('rev-parse', `refs/opentraces/sessions/${FORGED}`).trim();
    const unsigned = r.git('commit-tree', `${tip}^{tree}`, '-p', tip, '-m', 'opentraces: flush\n\nFormat: 1').trim();
    r.git('update-ref', `refs/opentraces/sessions/${FORGED}`, unsigned);
    assert.ok(r.trace(['show', '--json', STEPS]).stdout.includes(GITHUB_TOKEN), 'the secret is stored: only the server can have redacted it');
    // A session encrypted to another key only, fetched in as from a teammate's clone.
    other = tempRepo();
    const otherEnv = { GIT_TRACE_IDENTITY: join(keys, 'other-identity.txt') };
    assert.equal(other.trace(['init'], { env: otherEnv }).status, 0);
    writeFileSync(join(keys, 'foreign.jsonl'), stepsFile(FOREIGN, 'a foreign task'));
    const foreign = other.trace(['import', '--format', 'steps', join(keys, 'foreign.jsonl')], { env: otherEnv });
    assert.equal(foreign.status, 0, foreign.stderr);
    r.git('fetch', '-q', other.dir, `refs/opentraces/sessions/${FOREIGN}:refs/opentraces/sessions/${FOREIGN}`);

    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: r.dir, env: { ...process.env } as Record<string, string>, stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'git-trace-test', version: '1.0.0' });
    await client.connect(transport);
  });
  after(async () => {
    await client?.close();
    run.cleanup();
    other?.cleanup();
    rmSync(keys, { recursive: true, force: true });
  });

  const call = async (name: string, args: Record<string, unknown>): Promise<{ result: CallToolResult; text: string }> => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const first = result.content[0];
    const text = first?.type === 'text' ? first.text : '';
    answers.push(text);
    assert.ok(text.length <= 20_000, `${name}: ${text.length} characters`);
    return { result, text };
  };
  const ok = async (name: string, args: Record<string, unknown>): Promise<Record<string, any>> => {
    const { result, text } = await call(name, args);
    assert.notEqual(result.isError, true, text);
    return JSON.parse(text) as Record<string, any>;
  };

  test('lists the tools, every one read-only', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['blame', 'blame_pr', 'list_sessions', 'resume_packet', 'search', 'show_session', 'show_step', 'step_context', 'track']);
    for (const tool of tools) {
      assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
      assert.equal(tool.annotations?.destructiveHint, false, tool.name);
      assert.doesNotMatch(tool.name, /write|import|flush|push|fetch|forget|delete|add|remove|rekey|init/);
    }
  });

  test('list_sessions: the readable sessions with their trust, the unreadable one named', async () => {
    const list = await ok('list_sessions', {});
    const trust = Object.fromEntries((list['sessions'] as { id: string; trust: string }[]).map((s) => [s.id, s.trust]));
    assert.deepEqual(trust, { [run.sessionId('A')]: 'trusted', [STEPS]: 'trusted', [FORGED]: 'untrusted' });
    assert.match(list['warning'], /not signed by a recipient .*may be forged/);
    assert.deepEqual((list['unreadable'] as { id: string }[]).map((u) => u.id), [FOREIGN]);
    const codex = await ok('list_sessions', { agent: 'codex', limit: 1 });
    assert.equal(codex['sessions'].length, 1);
    assert.equal(codex['total'], 2);
    assert.match(codex['more'], /^1 more sessions: raise limit/);
  });

  test('an untrusted session is marked wherever it answers', async () => {
    const shown = await ok('show_session', { session: FORGED });
    assert.equal(shown['session'].trust, 'untrusted');
    assert.match(shown['session'].warning, /may be forged/);
    const hits = (await ok('search', { query: 'rewrote' }))['hits'] as { session: string; trust: string }[];
    assert.deepEqual(hits.map((h) => [h.session, h.trust]), [[FORGED, 'untrusted']]);
    assert.equal((await ok('show_step', { session: FORGED, step: 0 }))['session'].trust, 'untrusted');
  });

  test('search: hits name the session and the step', async () => {
    const found = await ok('search', { query: 'subtract' });
    const hits = found['hits'] as { session: string; step: number; kind: string }[];
    assert.ok(hits.some((h) => h.session === run.sessionId('A') && h.kind === 'prompt'), JSON.stringify(hits));
    const parser = await ok('search', { query: 'parser', agent: 'codex' });
    assert.deepEqual([...new Set((parser['hits'] as { session: string }[]).map((h) => h.session))], [STEPS]);
  });

  test('show_session: metadata and a timeline, paged at 200 steps, home paths scrubbed', async () => {
    const shown = await ok('show_session', { session: STEPS });
    assert.equal(shown['session'].id, STEPS);
    assert.equal(shown['session'].cwd, '~/work/app');
    assert.equal(shown['steps'].length, 200);
    assert.equal(shown['steps'][0].kind, 'prompt');
    assert.match(shown['steps'][0].summary, /^tune the parser in ~\/work\/app; the token is \[REDACTED:github\]/);
    assert.match(shown['more'], /52 more steps: show_session \{session: 'mcp-steps-0001', from_step: 200\}/);
    const next = await ok('show_session', { session: 'mcp-steps', from_step: 200 });
    assert.equal(next['steps'].length, 52);
    assert.equal(next['steps'][51].summary, 'progress note 249');
  });

  test('show_step: the step in full, a long output cut with how to read on, then paged', async () => {
    const prompt = await ok('show_step', { session: STEPS, step: 0 });
    assert.match(prompt['step'].text, /^tune the parser in ~\/work\/app; the token is \[REDACTED:github\] and the key \[REDACTED:aws\]$/);
    const tool = await ok('show_step', { session: STEPS, step: 1 });
    assert.equal(tool['step'].tool.name, 'shell');
    assert.match(tool['step'].tool.output, /^line 0 of a very long build log\n/);
    assert.match(tool['step'].tool.output, /\[… cut: \d+ more characters; read on with show_step \{session: 'mcp-steps-0001', step: 1, field: 'tool.output', offset: 4000\}\]$/);
    const page = await ok('show_step', { session: STEPS, step: 1, field: 'tool.output', offset: 4000 });
    assert.equal(page['text'], BIG.slice(4000, 16000));
    assert.equal(page['length'], BIG.length);
    assert.match(page['more'], /offset 16000/);
  });

  test('step_context: the window of a step', async () => {
    const ctx = await ok('step_context', { session: run.sessionId('A'), step: 1 });
    assert.equal(ctx['step'], 1);
    assert.equal(ctx['window'][0].kind, 'prompt');
    assert.equal(ctx['window'][0].summary, 'add a subtract function');
  });

  test('resume_packet: the goal and what was done, to continue from a step', async () => {
    const resumed = await ok('resume_packet', { session: run.sessionId('A') });
    const packet = resumed['packet'] as { session: { id: string }; goal: { text: string }[] };
    assert.equal(resumed['session'].id, run.sessionId('A'));
    assert.match(JSON.stringify(packet), /add a subtract function/);
    assert.match(JSON.stringify(packet), /src\/math\.ts/);
  });

  test('blame: agent lines name the session, step and prompt; a range narrows it', async () => {
    const blamed = await ok('blame', { file: 'src/math.ts' });
    const lines = blamed['lines'] as { line: number; session: string | null; prompt: string | null; agent: string | null; text: string; trust?: string }[];
    assert.equal(lines.length, 7);
    assert.equal(lines[0]?.session, null);
    assert.deepEqual({ session: lines[4]?.session, agent: lines[4]?.agent, prompt: lines[4]?.prompt, trust: lines[4]?.trust }, { session: run.sessionId('A'), agent: 'claude-code', prompt: 'add a subtract function', trust: 'trusted' });
    assert.match(lines[4]?.text ?? '', /export function subtract/);
    assert.equal(blamed['summary'], '4 of 7 lines from agent sessions');
    const range = await ok('blame', { file: 'src/math.ts', from_line: 5, to_line: 6 });
    assert.deepEqual((range['lines'] as { line: number }[]).map((l) => l.line), [5, 6]);
  });

  test('blame_pr: the sessions behind a range of commits', async () => {
    const pr = await ok('blame_pr', { range: 'HEAD~1..HEAD' });
    const sessions = pr['sessions'] as { id: string; intent: { text: string }[]; trust: string }[];
    assert.deepEqual(sessions.map((s) => s.id), [run.sessionId('A')]);
    assert.equal(sessions[0]?.intent[0]?.text, 'add a subtract function');
  });

  test("track: the session's patch is alive at HEAD", async () => {
    const tracked = await ok('track', { session: run.sessionId('A') });
    assert.deepEqual((tracked['patches'] as { path: string; state: string }[]).map((p) => [p.path, p.state]), [['src/math.ts', 'alive']]);
    assert.equal(tracked['session'].trust, 'trusted');
  });

  test('resources: one per session, read as show_session', async () => {
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), [`git-trace://session/${run.sessionId('A')}`, `git-trace://session/${FORGED}`, `git-trace://session/${STEPS}`].sort());
    const read = await client.readResource({ uri: `git-trace://session/${STEPS}` });
    const text = (read.contents[0] as { text: string }).text;
    answers.push(text);
    assert.equal((JSON.parse(text) as { session: { id: string } }).session.id, STEPS);
  });

  test('a session the key cannot read is a tool error naming it', async () => {
    for (const [name, args] of [['show_session', { session: FOREIGN }], ['show_step', { session: FOREIGN, step: 0 }], ['track', { session: FOREIGN }], ['resume_packet', { session: FOREIGN }], ['step_context', { session: FOREIGN, step: 0 }]] as const) {
      const { result, text } = await call(name, args);
      assert.equal(result.isError, true, `${name}: ${text}`);
      assert.match(text, /^error: cannot read session 'foreign-0001': .*not encrypted to your key/, name);
    }
    const missing = await call('show_session', { session: 'nope-nope' });
    assert.equal(missing.result.isError, true);
    assert.match(missing.text, /^error: no session 'nope-nope'/);
  });

  test('no answer holds a planted secret or a home path', () => {
    assert.ok(answers.length > 15);
    for (const text of answers) {
      for (const [kind, secret] of Object.entries(SECRETS)) assert.equal(text.includes(secret), false, `${kind} in ${text.slice(0, 200)}`);
      assert.equal(text.includes(HOME_PATH), false);
    }
    assert.doesNotMatch(stderr, /at .*\.js:\d+/, 'no stack trace');
  });
});
