// git trace export: each format validated against its schema file (fixtures/schemas/, checked
// with test/helpers/json-schema.ts), agent-trace ranges equal to what `blame --json` says per
// line, and nothing private leaving: a secret stored unredacted (redaction off at capture, on at
// export) and a /home/NAME path appear in no export.

import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSchema, validate } from '../helpers/json-schema.js';
import { FIXTURES } from '../helpers/paths.js';
import { AWS_KEY, GITHUB_TOKEN, secretsIn } from '../helpers/secrets.js';
import { MATH, MULTIPLY, ScenarioRun, SUBTRACT } from '../trail/scenario.js';

const HOME_PATH = '/home/ada-lovelace/notes/plan.md';
const SCHEMAS = join(FIXTURES, 'schemas');
const TRACE_SCHEMA = loadSchema(join(SCHEMAS, 'agent-trace', 'trace-record.schema.json'));
const ATIF_SCHEMA = loadSchema(join(SCHEMAS, 'atif', 'atif-v1.8.schema.json'));
const ROW_SCHEMA = loadSchema(join(SCHEMAS, 'git-trace', 'export-step-row.schema.json'));
const OTLP_SCHEMA = loadSchema(join(SCHEMAS, 'otlp', 'export-trace-service-request.schema.json'));

interface Contributor { type: string; model_id?: string }
interface TraceRecord {
  version: string;
  id: string;
  vcs: { type: string; revision: string };
  files: { path: string; conversations: { url?: string; contributor: Contributor; ranges: { start_line: number; end_line: number; contributor?: Contributor }[]; related?: { type: string; url: string }[] }[] }[];
  metadata: { 'dev.git-trace': { sessions: { id: string; url: string; agent: string | null }[] } };
}
interface BlameLine { line: number; commit: string; session: string | null; step: number | null; model: string | null; edited: boolean; origin: { session: string; model: string | null } | null }

describe('git trace export', () => {
  const run = new ScenarioRun({
    name: 'export',
    files: { 'src/math.ts': MATH },
    script: [
      // Stored as typed: the export alone has to keep the secret in.
      { git: ['config', 'trace.redact', 'false'] },
      { s: 'A', prompt: `add a subtract function; the token is ${GITHUB_TOKEN}, the plan is in ${HOME_PATH}` },
      { s: 'A', run: `cat ${HOME_PATH}`, output: `aws key ${AWS_KEY}` },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'Add subtract' },
      { s: 'B', prompt: 'now multiply' },
      { s: 'B', edit: 'B1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { s: 'B', run: 'npm test', output: 'one test failed', exit: 1 },
      { commit: 'Add multiply and a hand-written README', files: { 'README.md': 'Math helpers, written by hand.\n' } },
      { commit: 'Check the product by hand', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY.replace('return a * b;', 'return a * b; // checked') } },
    ],
    checks: [],
  });
  let root = '';
  before(() => {
    run.play();
    run.repo.git('config', '--unset', 'trace.redact');
    root = run.repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
  });
  after(() => run.cleanup());

  const trace = (...args: string[]): string => {
    const result = run.repo.trace(['export', ...args]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout;
  };
  const jsonLines = (text: string): unknown[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  const commits = (): string[] => run.repo.git('rev-list', '--reverse', `${root}..HEAD`).split('\n').filter((l) => l !== '');

  test("the validator accepts the specs' own examples and rejects what breaks them", () => {
    const example = JSON.parse(readFileSync(join(SCHEMAS, 'agent-trace', 'example-trace-record.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(validate(TRACE_SCHEMA, example), []);
    assert.deepEqual(validate(ATIF_SCHEMA, JSON.parse(readFileSync(join(SCHEMAS, 'atif', 'example-rfc-stock-price.trajectory.json'), 'utf8'))), []);
    assert.deepEqual(validate(TRACE_SCHEMA, { ...example, id: 'not-a-uuid', version: '0.1' }).sort(), ['/id: not a uuid', '/version: does not match ^[0-9]+\\.[0-9]+\\.[0-9]+$']);
    assert.deepEqual(validate(ATIF_SCHEMA, { agent: { name: 'x', version: '1' }, steps: [{ step_id: 0, source: 'robot', message: '', surprise: 1 }] }).sort(), ['/steps/0/source: must be one of ["system","user","agent"]', '/steps/0/step_id: less than 1', '/steps/0/surprise: not allowed']);
  });

  test('the session was stored with its secret, so only the export can keep it in', () => {
    const shown = run.repo.trace(['show', '--json', run.sessionId('A')]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.deepEqual(secretsIn(shown.stdout).sort(), ['AWS access key id', 'GitHub token']);
    assert.ok(shown.stdout.includes(HOME_PATH));
  });

  test('agent-trace: one record per commit of a range, valid against the spec schema', () => {
    const records = jsonLines(trace('--format', 'agent-trace', `${root}..HEAD`)) as TraceRecord[];
    assert.deepEqual(records.map((r) => r.vcs.revision), commits());
    for (const r of records) assert.deepEqual(validate(TRACE_SCHEMA, r), [], `record of ${r.vcs.revision}`);
    assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'ids differ');
    // One REV: the same record, as one JSON document, and the same each time.
    const head = JSON.parse(trace('--format', 'agent-trace')) as TraceRecord;
    assert.deepEqual(head, records[records.length - 1]);
    assert.equal(trace('--format', 'agent-trace', 'HEAD~1'), `${JSON.stringify(records[1], null, 2)}\n`);
  });

  test('agent-trace: per line, the ranges say what blame --json says, at each commit', () => {
    const first = JSON.parse(trace('--format', 'agent-trace', root)) as TraceRecord;
    const records = [first, ...(jsonLines(trace('--format', 'agent-trace', `${root}..HEAD`)) as TraceRecord[])];
    assert.deepEqual(first.files.map((f) => f.path), ['src/math.ts'], 'the first commit, too');
    const seen = new Set<string>();
    for (const record of records) {
      const commit = record.vcs.revision;
      const got = new Map<string, string>();
      for (const file of record.files) {
        for (const c of file.conversations) {
          for (const r of c.ranges) {
            assert.ok(r.start_line <= r.end_line);
            const who = r.contributor ?? c.contributor;
            for (let line = r.start_line; line <= r.end_line; line++) {
              const key = `${file.path}:${line}`;
              assert.ok(!got.has(key), `${key} in one range only`);
              got.set(key, `${who.type} ${c.url ?? '-'} ${who.model_id ?? '-'}`);
            }
          }
        }
      }
      const expected = new Map<string, string>();
      const changed = run.repo.git('diff-tree', '--no-commit-id', '--root', '-r', '--name-only', '--diff-filter=d', commit).split('\n').filter((l) => l !== '');
      for (const path of changed) {
        for (const l of run.blame(path, commit) as unknown as BlameLine[]) {
          if (l.commit !== commit) continue;
          // A person's edit of an agent's line is `mixed`, in the conversation it was edited from.
          const step = l.session === null ? l.origin : { session: l.session, model: l.model };
          const type = step === null ? 'human' : l.edited ? 'mixed' : 'ai';
          seen.add(type);
          const model = step?.model == null ? '-' : `anthropic/${step.model}`;
          expected.set(`${path}:${l.line}`, step === null ? 'human - -' : `${type} git-trace://session/${step.session} ${model}`);
        }
      }
      assert.deepEqual(new Map([...got].sort()), new Map([...expected].sort()), `lines of ${commit}`);
    }
    assert.ok(seen.has('ai') && seen.has('human'), `both agents' and people's lines are exported (${[...seen].join(', ')})`);
    const second = records[2];
    assert.deepEqual(second?.metadata['dev.git-trace'].sessions.map((s) => [s.id, s.agent]), [[run.sessionId('B'), 'claude-code']]);
  });

  test('atif: each session is a trajectory valid against the ATIF schema', () => {
    for (const name of ['A', 'B']) {
      const trajectory = JSON.parse(trace('--format', 'atif', run.sessionId(name))) as {
        schema_version: string;
        session_id: string;
        steps: { step_id: number; source: string; message: string; tool_calls?: { tool_call_id: string; function_name: string }[]; observation?: { results: { source_call_id: string | null; content: string | null }[] } }[];
        final_metrics: { total_steps: number };
      };
      assert.deepEqual(validate(ATIF_SCHEMA, trajectory), [], `trajectory of ${name}`);
      assert.equal(trajectory.schema_version, 'ATIF-v1.7');
      assert.equal(trajectory.session_id, run.sessionId(name));
      assert.deepEqual(trajectory.steps.map((s) => s.step_id), trajectory.steps.map((_, i) => i + 1));
      assert.equal(trajectory.final_metrics.total_steps, trajectory.steps.length);
      assert.equal(trajectory.steps[0]?.source, 'user');
      for (const step of trajectory.steps) {
        const ids = new Set((step.tool_calls ?? []).map((c) => c.tool_call_id));
        for (const r of step.observation?.results ?? []) if (r.source_call_id !== null) assert.ok(ids.has(r.source_call_id), 'a result answers a call of its own step');
      }
      assert.ok(trajectory.steps.some((s) => (s.tool_calls ?? []).length > 0));
    }
  });

  test('otlp: a session as GenAI spans, valid against the OTLP/JSON schema written from the proto', () => {
    assert.deepEqual(validate(OTLP_SCHEMA, JSON.parse(readFileSync(join(SCHEMAS, 'otlp', 'example-trace.json'), 'utf8'))), [], "OpenTelemetry's own example passes");
    interface Span { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: { key: string; value: Record<string, unknown> }[]; status: { code: number } }
    const request = JSON.parse(trace('--format', 'otlp', run.sessionId('B'))) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
    assert.deepEqual(validate(OTLP_SCHEMA, request), []);
    const spans = request.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    const attr = (s: Span, key: string): unknown => s.attributes.find((a) => a.key === key)?.value;
    const [root, ...children] = spans;
    assert.ok(root !== undefined);
    assert.equal(root.name, 'invoke_agent claude-code');
    assert.deepEqual(attr(root, 'gen_ai.conversation.id'), { stringValue: run.sessionId('B') });
    assert.equal(root.parentSpanId, undefined);
    for (const s of children) {
      assert.equal(s.parentSpanId, root.spanId);
      assert.equal(s.traceId, root.traceId);
    }
    const steps = (JSON.parse(run.repo.trace(['show', '--json', run.sessionId('B')]).stdout) as { steps: { kind: string }[] }).steps;
    const tools = children.filter((s) => (attr(s, 'gen_ai.operation.name') as { stringValue?: string }).stringValue === 'execute_tool');
    assert.equal(tools.length, steps.filter((s) => s.kind === 'tool').length);
    const chats = children.filter((s) => s.name === 'chat claude-sonnet-4-5');
    assert.ok(chats.length > 0);
    for (const c of chats) {
      assert.equal(c.kind, 3);
      assert.deepEqual(attr(c, 'gen_ai.provider.name'), { stringValue: 'anthropic' });
      assert.ok(attr(c, 'gen_ai.usage.input_tokens') !== undefined && attr(c, 'gen_ai.usage.output_tokens') !== undefined);
    }
    const failed = tools.find((s) => (attr(s, 'process.exit.code') as { intValue?: string } | undefined)?.intValue === '1');
    assert.ok(failed !== undefined, 'the failing command has its exit code');
    assert.equal(failed.status.code, 2);
    const input = chats.reduce((n, c) => n + Number((attr(c, 'gen_ai.usage.input_tokens') as { intValue: string }).intValue), 0);
    assert.deepEqual(attr(root, 'gen_ai.usage.input_tokens'), { intValue: String(input) });
  });

  test('jsonl: one row per step, every row valid and with the same columns in the same order', () => {
    const rows = jsonLines(trace('--format', 'jsonl')) as Record<string, unknown>[];
    const stepCounts = ['A', 'B'].map((name) => (JSON.parse(run.repo.trace(['show', '--json', run.sessionId(name)]).stdout) as { steps: unknown[] }).steps.length);
    assert.equal(rows.length, stepCounts.reduce((a, b) => a + b, 0));
    const columns = Object.keys(rows[0] ?? {});
    for (const row of rows) {
      assert.deepEqual(validate(ROW_SCHEMA, row), []);
      assert.deepEqual(Object.keys(row), columns);
    }
    assert.deepEqual(new Set(rows.map((r) => r['session_id'])), new Set([run.sessionId('A'), run.sessionId('B')]));
    const one = jsonLines(trace('--format', 'jsonl', run.sessionId('B'))) as Record<string, unknown>[];
    assert.deepEqual(one, rows.filter((r) => r['session_id'] === run.sessionId('B')));
    const edit = one.find((r) => r['kind'] === 'tool' && (r['files_changed'] as string[]).length > 0);
    assert.deepEqual([edit?.['files_changed'], edit?.['lines_added']], [['src/math.ts'], 4]);
  });

  test('no export holds the secret, the home path, the repository path or the user name', () => {
    const outputs = [
      trace('--format', 'agent-trace', `${root}..HEAD`),
      trace('--format', 'atif', run.sessionId('A')),
      trace('--format', 'atif', run.sessionId('B')),
      trace('--format', 'jsonl'),
      trace('--format', 'otlp', run.sessionId('A')),
    ];
    for (const text of outputs) {
      assert.deepEqual(secretsIn(text), []);
      assert.ok(!text.includes('ada-lovelace'), 'the home path is scrubbed');
      assert.ok(!text.includes(run.repo.dir), 'the repository path is scrubbed');
    }
    const atif = outputs[1] ?? '';
    assert.ok(atif.includes('~/notes/plan.md'), 'the home path became ~');
    assert.ok(atif.includes('[REDACTED'), 'the secret was redacted, not dropped silently');
  });

  test('--out writes a file only its owner can read, and prints nothing', () => {
    const file = join(run.repo.dir, '..', `${run.repo.dir.split('/').pop() ?? 'x'}-export.json`);
    writeFileSync(file, 'old', { mode: 0o644 });
    assert.equal(trace('--format', 'atif', '--out', file, run.sessionId('A')), '');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    try {
      assert.equal(readFileSync(file, 'utf8'), trace('--format', 'atif', run.sessionId('A')));
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('usage errors exit 2', () => {
    for (const args of [[], ['--format', 'csv'], ['--format', 'atif'], ['--format', 'otlp'], ['--format', 'agent-trace', 'HEAD', 'HEAD~1']]) {
      const result = run.repo.trace(['export', ...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^error: /);
    }
  });
});
