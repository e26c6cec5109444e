// What an import keeps between two reads of a transcript (import-state.json: a tool call still
// waiting for its result, with its input) is redacted like the store. When the result arrives in
// a later import, the step is completed as if the transcript had been read in one go.

import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

// Built at run time so no token-shaped string sits in the repository.
const GITHUB_TOKEN = ['ghp', '_', 'Q4mZ8wT2xV7nK3pL9sB6dR1yH5jC0fGa2Ue7'].join('');
const AWS_KEY = ['AKIA', 'ZP4M7QX2RT9KV3W6'].join('');
const SECRETS = [GITHUB_TOKEN, AWS_KEY];
const COMMAND = `curl -H 'Authorization: token ${GITHUB_TOKEN}' https://api.github.com/user`;
const OUTPUT = `{"login":"ada"} aws_access_key_id=${AWS_KEY}`;

type Json = Record<string, unknown>;

interface Row {
  readonly agent: 'claude-code' | 'codex' | 'pi';
  readonly session: string;
  /** The transcript up to a tool call with no result yet; `cwd` is the repository. */
  readonly pending: (cwd: string) => Json[];
  /** The tool call's result, as the agent appends it. */
  readonly result: () => Json[];
}

const CLAUDE_SESSION = '5b0c7e1d-3f2a-4c5e-9a8b-7d6e5f4a3b2c';
const claude = (cwd: string, type: string, uuid: string, parentUuid: string | null, message: Json, extra: Json = {}): Json => ({
  parentUuid,
  isSidechain: false,
  userType: 'external',
  cwd,
  sessionId: CLAUDE_SESSION,
  version: '2.0.28',
  type,
  message,
  uuid,
  timestamp: `2026-11-20T10:00:0${uuid.slice(-1)}.000Z`,
  ...extra,
});

const CODEX_SESSION = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const codex = (second: number, type: string, payload: Json): Json => ({ timestamp: `2026-11-20T10:00:0${second}.000Z`, type, payload });

const PI_SESSION = '11111111-2222-4333-8444-555555555555';

const ROWS: readonly Row[] = [
  {
    agent: 'claude-code',
    session: CLAUDE_SESSION,
    pending: (cwd) => [
      claude(cwd, 'user', 'u0000001', null, { role: 'user', content: 'who am I on GitHub?' }),
      claude(cwd, 'assistant', 'a0000002', 'u0000001', {
        model: 'claude-sonnet-4-5-20250929',
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: COMMAND, description: 'ask GitHub' } }],
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }),
    ],
    result: () => [
      claude('/unused', 'user', 'u0000003', 'a0000002', { role: 'user', content: [{ tool_use_id: 'toolu_01', type: 'tool_result', content: OUTPUT, is_error: false }] }, {
        toolUseResult: { stdout: OUTPUT, stderr: '', interrupted: false, isImage: false },
      }),
    ],
  },
  {
    agent: 'codex',
    session: CODEX_SESSION,
    pending: (cwd) => [
      codex(0, 'session_meta', { id: CODEX_SESSION, timestamp: '2026-11-20T10:00:00.000Z', cwd, originator: 'codex_cli_rs', cli_version: '0.125.0', source: 'cli', model_provider: 'openai' }),
      codex(1, 'turn_context', { turn_id: 't1', cwd, model: 'gpt-5-codex', approval_policy: 'on-request' }),
      codex(2, 'event_msg', { type: 'user_message', message: 'who am I on GitHub?' }),
      codex(3, 'response_item', { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', COMMAND] }), call_id: 'call_01' }),
    ],
    result: () => [codex(4, 'response_item', { type: 'function_call_output', call_id: 'call_01', output: JSON.stringify({ output: OUTPUT, metadata: { exit_code: 0, duration_seconds: 0.1 } }) })],
  },
  {
    agent: 'pi',
    session: PI_SESSION,
    pending: (cwd) => [
      { type: 'session', version: 3, id: PI_SESSION, timestamp: '2026-11-20T10:00:00.000Z', cwd },
      { type: 'message', id: 'e1', parentId: null, timestamp: '2026-11-20T10:00:01.000Z', message: { role: 'user', content: [{ type: 'text', text: 'who am I on GitHub?' }], timestamp: 1795168801000 } },
      {
        type: 'message',
        id: 'e2',
        parentId: 'e1',
        timestamp: '2026-11-20T10:00:02.000Z',
        message: { role: 'assistant', content: [{ type: 'toolCall', id: 'call_01', name: 'bash', arguments: { command: COMMAND } }], model: 'claude-test', stopReason: 'toolUse' },
      },
    ],
    result: () => [
      {
        type: 'message',
        id: 'e3',
        parentId: 'e2',
        timestamp: '2026-11-20T10:00:03.000Z',
        message: { role: 'toolResult', toolCallId: 'call_01', toolName: 'bash', content: [{ type: 'text', text: OUTPUT }], isError: false, timestamp: 1795168803000 },
      },
    ],
  },
];

const jsonl = (records: readonly Json[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Every file under the repository's git-trace state folder, concatenated. */
function stateBytes(r: TempRepo): Buffer {
  const files: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(readFileSync(path));
    }
  };
  walk(join(r.dir, '.git', 'opentraces'));
  return Buffer.concat(files);
}

interface ShownStep {
  id: string;
  kind: string;
  tool?: { status: string; input: unknown; output?: string };
  redacted?: Record<string, number>;
}

function shown(r: TempRepo, session: string): { session: { redactions?: Record<string, number> }; steps: ShownStep[] } {
  const result = r.trace(['show', '--json', session]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { session: { redactions?: Record<string, number> }; steps: ShownStep[] };
}

for (const row of ROWS) {
  describe(`${row.agent}: a tool call waiting for its result`, () => {
    let r: TempRepo;
    let transcript: string;
    before(() => {
      testIdentityFile();
      r = tempRepo();
      assert.equal(r.trace(['init']).status, 0);
      transcript = join(r.dir, '..', `${row.agent}-${process.pid}-${row.session}.jsonl`);
      writeFileSync(transcript, jsonl(row.pending(r.dir)));
    });
    after(() => r.cleanup());

    test('is kept in import-state.json with its secrets redacted', () => {
      const result = r.trace(['import', '--agent', row.agent, transcript]);
      assert.equal(result.status, 0, result.stderr);
      const state = readFileSync(join(r.dir, '.git', 'opentraces', 'import-state.json'), 'utf8');
      for (const secret of SECRETS) assert.equal(state.includes(secret), false);
      assert.match(state, /call_01|toolu_01/, 'the pending call is kept');
      assert.match(state, /api\.github\.com\/user/, 'with the rest of its input');
      assert.match(state, /\[REDACTED:[a-z-]+\]/);
      const tool = shown(r, row.session).steps.find((s) => s.kind === 'tool');
      assert.equal(tool?.tool?.status, 'pending');
    });

    test('is completed by a later import as if the transcript had been read in one go', () => {
      appendFileSync(transcript, jsonl(row.result()));
      const result = r.trace(['import', '--agent', row.agent, transcript]);
      assert.equal(result.status, 0, result.stderr);
      const incremental = shown(r, row.session);
      const tool = incremental.steps.find((s) => s.kind === 'tool');
      assert.equal(tool?.tool?.status, 'ok');
      assert.match(tool?.tool?.output ?? '', /"login":"ada"|login/);
      assert.match(JSON.stringify(tool?.tool?.input), /token \[REDACTED:[a-z-]+\]/);
      for (const secret of SECRETS) assert.equal(stateBytes(r).includes(secret), false, 'nothing under .git/opentraces holds the secret');

      const whole = tempRepo();
      try {
        assert.equal(whole.trace(['init']).status, 0);
        const copy = join(whole.dir, '..', `${row.agent}-whole-${process.pid}-${row.session}.jsonl`);
        // The same records, their cwd pointing at the other repository.
        writeFileSync(copy, jsonl([...row.pending(whole.dir), ...row.result()]));
        assert.equal(whole.trace(['import', '--agent', row.agent, copy]).status, 0);
        const oneGo = shown(whole, row.session);
        assert.deepEqual(incremental.steps, oneGo.steps);
        assert.deepEqual(incremental.session.redactions, oneGo.session.redactions);
      } finally {
        whole.cleanup();
      }
    });
  });
}
