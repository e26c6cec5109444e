// git trace import --format agent-trace: the round trip (sessions captured live in repo A, its
// commits exported as Agent Trace, imported into B, a clone without A's sessions: blame in B
// names the same session, agent and model for every line as in A), a record written as Cursor
// would (fixtures/agent-trace/cursor-traces.jsonl), bad records, idempotence and redaction.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { GITHUB_TOKEN, secretsIn } from '../helpers/secrets.js';
import { loadSchema, validate } from '../helpers/json-schema.js';
import { TRACE_RECORD_SCHEMA } from '../../lib/export/agent-trace-schema.js';
import { MATH, MULTIPLY, ScenarioRun, SUBTRACT } from '../trail/scenario.js';

interface BlameLine { line: number; commit: string; session: string | null; agent: string | null; model: string | null; text: string }
interface Summary { version: number; sessions: number; added: number; updated: number; unchanged: number; records: number; badRecords: number; lines: number; recorded?: string[] }

const CURSOR_FIXTURE = join(FIXTURES, 'agent-trace', 'cursor-traces.jsonl');

/** A clone of `from`'s branches only (no refs/opentraces), initialised for git-trace. */
function cloneWithoutSessions(from: TempRepo): TempRepo {
  const repo = tempRepo({});
  rmSync(repo.dir, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', from.dir, repo.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const init = repo.trace(['init']);
  assert.equal(init.status, 0, init.stderr);
  return repo;
}

function blame(repo: TempRepo, path: string): BlameLine[] {
  const result = repo.trace(['blame', '--json', path]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as BlameLine[];
}

function importJson(repo: TempRepo, args: readonly string[], input?: string): { summary: Summary; stderr: string; status: number | null } {
  const result = repo.trace(['import', '--format', 'agent-trace', '--json', ...args], input === undefined ? {} : { input });
  return { summary: (result.stdout === '' ? {} : JSON.parse(result.stdout)) as Summary, stderr: result.stderr, status: result.status };
}

describe('import --format agent-trace', () => {
  const run = new ScenarioRun({
    name: 'agent-trace-import',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add a subtract function' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'Add subtract' },
      { s: 'B', prompt: 'now multiply' },
      { s: 'B', edit: 'B1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { commit: 'Add multiply and a hand-written README', files: { 'README.md': 'Math helpers, written by hand.\n' } },
      { commit: 'Check the product by hand', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY.replace('return a * b;', 'return a * b; // checked') } },
    ],
    checks: [],
  });
  let clone: TempRepo | undefined;
  let exported = '';
  let root = '';
  before(() => {
    run.play();
    root = run.repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
    const result = run.repo.trace(['export', '--format', 'agent-trace', `${root}..HEAD`]);
    assert.equal(result.status, 0, result.stderr);
    exported = result.stdout;
    clone = cloneWithoutSessions(run.repo);
  });
  after(() => {
    run.cleanup();
    if (clone !== undefined) rmSync(traceFile(), { force: true });
    clone?.cleanup();
  });
  const b = (): TempRepo => clone as TempRepo;
  const traceFile = (): string => join(b().dir, '..', `${b().dir.split('/').pop() ?? 'x'}-trace.jsonl`);

  test('the schema import checks against is the one kept in fixtures/schemas', () => {
    assert.deepEqual(TRACE_RECORD_SCHEMA, loadSchema(join(FIXTURES, 'schemas', 'agent-trace', 'trace-record.schema.json')));
  });

  test('round trip: in the clone, blame names the same session, agent and model per line as in A', () => {
    assert.ok(blame(b(), 'src/math.ts').every((l) => l.session === null), 'the clone has no sessions before the import');
    writeFileSync(traceFile(), exported);
    const { summary, stderr, status } = importJson(b(), [traceFile()]);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
    assert.equal(summary.version, 1);
    assert.equal(summary.records, 3);
    assert.equal(summary.badRecords, 0);
    assert.equal(summary.sessions, 2);
    const who = (l: BlameLine): string => `${l.line} ${l.commit} ${l.session ?? '-'} ${l.agent ?? '-'} ${l.model ?? '-'} ${l.text}`;
    const inA = blame(run.repo, 'src/math.ts');
    assert.ok(inA.some((l) => l.session === run.sessionId('A')) && inA.some((l) => l.session === run.sessionId('B')), 'A has lines of both sessions');
    assert.deepEqual(blame(b(), 'src/math.ts').map(who), inA.map(who));
    assert.deepEqual(blame(b(), 'README.md').map(who), blame(run.repo, 'README.md').map(who), 'the hand-written file stays no session’s');
    // The session ids are A's own: the conversation URL names them.
    const text = b().trace(['blame', 'src/math.ts']);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(text.stdout.includes(run.sessionId('B').slice(0, 8)));
  });

  // A `mixed` range (the agent's line, edited by the commit) is not imported as the session's
  // line: it is the editor's there as in A, and the clone's export gives back the same ranges.
  test('export from the clone gives back the same ranges, conversations and models', () => {
    const again = b().trace(['export', '--format', 'agent-trace', `${root}..HEAD`]);
    assert.equal(again.status, 0, again.stderr);
    const strip = (text: string): unknown[] =>
      text.split('\n').filter((l) => l !== '').map((l) => {
        const r = JSON.parse(l) as { files: { conversations: { related?: unknown }[] }[] };
        // Step numbers differ (the clone's sessions hold one step per record), so `related` does.
        return r.files.map((f) => ({ ...f, conversations: f.conversations.map(({ related: _related, ...c }) => c) }));
      });
    assert.ok(exported.includes('"type":"mixed"'), 'A exports a mixed range');
    assert.deepEqual(strip(again.stdout), strip(exported));
  });

  test('importing the same file again stores nothing new, from a file or from standard input', () => {
    for (const args of [[traceFile()], ['-']]) {
      const { summary, stderr, status } = importJson(b(), args, args[0] === '-' ? exported : undefined);
      assert.equal(status, 0, stderr);
      // The record that held only the edited (mixed) line brings no step.
      assert.deepEqual([summary.added, summary.updated, summary.unchanged], [0, 0, 2], args.join(' '));
    }
  });

  test("in A itself, the recorded sessions are left as they are", () => {
    writeFileSync(traceFile(), exported);
    const { summary, status, stderr } = importJson(run.repo, [traceFile()]);
    assert.equal(status, 0, stderr);
    assert.equal(summary.sessions, 0);
    assert.deepEqual(summary.recorded?.sort(), [run.sessionId('A'), run.sessionId('B')].sort());
  });

  test('a bad record is named with file and index and skipped; a file with nothing valid stores nothing and exits 1', () => {
    const good = exported.split('\n').filter((l) => l !== '');
    const broken = JSON.stringify({ ...(JSON.parse(good[0] ?? '{}') as object), id: 'not-a-uuid' });
    const file = traceFile();
    writeFileSync(file, `${broken}\n${good[1] ?? ''}\n{not json\n`);
    const mixed = importJson(b(), [file]);
    assert.equal(mixed.status, 0, mixed.stderr);
    assert.match(mixed.stderr, new RegExp(`^warning: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: record 1: not a valid Agent Trace record \\(/id: not a uuid\\); skipped$`, 'm'));
    assert.match(mixed.stderr, /: record 3: not valid JSON; skipped$/m);
    assert.equal(mixed.stderr.trim().split('\n').length, 2, 'one line per bad record');
    assert.deepEqual([mixed.summary.records, mixed.summary.badRecords], [1, 2]);
    const refsBefore = b().git('for-each-ref', 'refs/opentraces/');
    writeFileSync(file, `${broken}\n`);
    const none = b().trace(['import', '--format', 'agent-trace', file]);
    assert.equal(none.status, 1);
    assert.equal(none.stderr.trim().split('\n').length, 1, none.stderr);
    assert.equal(b().git('for-each-ref', 'refs/opentraces/'), refsBefore, 'nothing stored');
    // MAJOR.MINOR, as the spec's later text and its reference writer ("1.0") put it, is read too.
    writeFileSync(file, `${JSON.stringify({ ...(JSON.parse(good[1] ?? '{}') as object), version: '1.0' })}\n`);
    const twoParts = importJson(b(), [file]);
    assert.equal(twoParts.status, 0, twoParts.stderr);
    assert.equal(twoParts.summary.records, 1);
    const unknownRevision = JSON.stringify({ ...(JSON.parse(good[0] ?? '{}') as object), vcs: { type: 'git', revision: 'f'.repeat(40) } });
    writeFileSync(file, `${unknownRevision}\n`);
    const missing = b().trace(['import', '--format', 'agent-trace', file]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /record 1: revision 'f{40}' is not in this repository/);
  });
});

describe('import --format agent-trace: a file as Cursor writes it', () => {
  // The fixture's revisions are this repository's commits: the dates, names and contents below
  // are pinned (test/helpers/repo.ts), so the ids are too; the fixture was written against them.
  let repo: TempRepo | undefined;
  before(() => {
    repo = tempRepo({ 'src/utils/parser.ts': 'export const version = 1;\n' });
    repo.commit('parser', {
      'src/utils/parser.ts': [
        'export const version = 1;',
        '',
        'export function parse(input: string): string[] {',
        `  const token = '${GITHUB_TOKEN}';`,
        "  return input.split(',').map((part) => part.trim());",
        '}',
        '',
      ].join('\n'),
      'src/utils/helpers.ts': ['// helpers, by hand', 'export function isBlank(text: string): boolean {', '  return text.trim() === \'\';', '}', ''].join('\n'),
    });
    const init = repo.trace(['init']);
    assert.equal(init.status, 0, init.stderr);
  });
  after(() => repo?.cleanup());
  const r = (): TempRepo => repo as TempRepo;

  test('the fixture is valid Agent Trace and names this repository’s commit', () => {
    const lines = readFileSync(CURSOR_FIXTURE, 'utf8').split('\n').filter((l) => l !== '');
    const schema = loadSchema(join(FIXTURES, 'schemas', 'agent-trace', 'trace-record.schema.json'));
    for (const line of lines) assert.deepEqual(validate(schema, JSON.parse(line)), []);
    assert.ok(lines.every((l) => l.includes(r().git('rev-parse', 'HEAD').trim())), `the fixture's revision is HEAD (${r().git('rev-parse', 'HEAD').trim()})`);
  });

  test('needs --agent (Cursor is no agent git-trace knows), then blames its ai lines to its conversation', () => {
    const unnamed = r().trace(['import', '--format', 'agent-trace', CURSOR_FIXTURE]);
    assert.match(unnamed.stderr, /record 1: cannot tell which agent wrote its lines \(tool 'cursor'\)/);
    const { summary, stderr, status } = importJson(r(), ['--agent', 'claude-code', CURSOR_FIXTURE]);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
    assert.equal(summary.sessions, 1, 'one conversation, one session');
    const parser = blame(r(), 'src/utils/parser.ts');
    const session = parser[2]?.session ?? null;
    assert.ok(parser.every((l) => l.session === null || l.session === session));
    assert.ok(session !== null && session.startsWith('at-'));
    // Line 4 holds a token: redacted in the stored patch, its text no longer matches the commit's,
    // so it is no session's (redaction wins over attribution). The others are the conversation's.
    const opus = 'claude-code claude-opus-4-5-20251101';
    assert.deepEqual(parser.map((l) => (l.session === null ? '' : `${l.agent} ${l.model}`)), ['', '', opus, '', opus, opus]);
    const helpers = blame(r(), 'src/utils/helpers.ts');
    assert.deepEqual(helpers.map((l) => (l.session === null ? '' : `${l.session === session ? 'same' : 'other'} ${l.model}`)), ['', 'same gpt-4o', 'same gpt-4o', 'same gpt-4o']);
  });

  test('what it stored is redacted like every import', () => {
    const listed = JSON.parse(r().trace(['list', '--json']).stdout) as { sessions?: { id: string }[] } | { id: string }[];
    const ids = (Array.isArray(listed) ? listed : (listed.sessions ?? [])).map((s) => s.id);
    assert.equal(ids.length, 1);
    const shown = r().trace(['show', '--json', ids[0] ?? '']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.deepEqual(secretsIn(shown.stdout), []);
    assert.ok(shown.stdout.includes('[REDACTED'));
  });
});
