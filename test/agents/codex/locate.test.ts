// Finding rollouts: CODEX_HOME (default ~/.codex), sessions/YYYY/MM/DD and archived_sessions,
// attributed to a work tree by the cwd on their first line.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { codexAdapter } from '../../../lib/agents/codex/index.js';
import { readFirstLine } from '../../../lib/agents/codex/locate.js';
import { scratchDir } from './helpers.js';

interface RootRow {
  readonly name: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly roots: readonly string[];
}

const ROOT_ROWS: readonly RootRow[] = [
  { name: 'CODEX_HOME wins over HOME', env: { CODEX_HOME: '/opt/codex', HOME: '/home/a' }, roots: ['/opt/codex/sessions', '/opt/codex/archived_sessions'] },
  { name: 'HOME/.codex by default', env: { HOME: '/home/a' }, roots: ['/home/a/.codex/sessions', '/home/a/.codex/archived_sessions'] },
  { name: 'an empty CODEX_HOME is unset', env: { CODEX_HOME: '', HOME: '/home/a' }, roots: ['/home/a/.codex/sessions', '/home/a/.codex/archived_sessions'] },
  { name: 'no home at all: no roots', env: {}, roots: [] },
];

for (const row of ROOT_ROWS) {
  test(`transcript roots: ${row.name}`, () => {
    assert.deepEqual(codexAdapter.transcriptRoots(row.env), row.roots);
  });
}

function meta(id: string, cwd: string, extra = ''): string {
  return `{"timestamp":"2026-01-01T00:00:00.000Z","type":"session_meta","payload":{"id":"${id}","cwd":"${cwd}","base_instructions":{"text":"${extra}"}}}\n`;
}

function fakeHome(): { home: string; work: string } {
  const base = join(scratchDir(), `home-${Math.random().toString(36).slice(2)}`);
  const home = join(base, 'codex-home');
  const work = join(base, 'work', 'repo');
  mkdirSync(work, { recursive: true });
  const day = join(home, 'sessions', '2026', '01', '02');
  mkdirSync(day, { recursive: true });
  mkdirSync(join(home, 'archived_sessions'), { recursive: true });
  const ids = ['019b0000-0000-7000-8000-000000000001', '019b0000-0000-7000-8000-000000000002', '019b0000-0000-7000-8000-000000000003', '019b0000-0000-7000-8000-000000000004'];
  // In the repository root, with a first line longer than one read chunk.
  writeFileSync(join(day, `rollout-2026-01-02T10-00-00-${ids[0]}.jsonl`), meta(ids[0] ?? '', work, 'x'.repeat(200_000)) + '{"type":"event_msg"}\n');
  // In a subdirectory of the repository, archived.
  writeFileSync(join(home, 'archived_sessions', `rollout-2026-01-01T09-00-00-${ids[1]}.jsonl`), meta(ids[1] ?? '', join(work, 'pkg')));
  // Elsewhere, and in a sibling whose name starts like the repository's.
  writeFileSync(join(day, `rollout-2026-01-02T11-00-00-${ids[2]}.jsonl`), meta(ids[2] ?? '', join(base, 'other')));
  writeFileSync(join(day, `rollout-2026-01-02T12-00-00-${ids[3]}.jsonl`), meta(ids[3] ?? '', `${work}-fork`));
  // Not rollouts, or unreadable first lines.
  writeFileSync(join(day, 'notes.jsonl'), meta('x', work));
  writeFileSync(join(day, 'rollout-2026-01-02T13-00-00-torn.jsonl'), '{"type":"session_meta","payl');
  writeFileSync(join(day, 'rollout-2026-01-02T14-00-00-empty.jsonl'), '');
  return { home, work };
}

test('findTranscripts keeps the rollouts whose cwd is the work tree or below, reading first lines only', async () => {
  const { home, work } = fakeHome();
  const found = await codexAdapter.findTranscripts(work, { CODEX_HOME: home, HOME: '/nonexistent' });
  assert.deepEqual(
    found.map((f) => [f.agent, f.sessionId, f.cwd]),
    [
      ['codex', '019b0000-0000-7000-8000-000000000002', join(work, 'pkg')],
      ['codex', '019b0000-0000-7000-8000-000000000001', work],
    ],
  );
  assert.ok(found.every((f) => f.path.startsWith(home)));
});

test('findTranscripts with missing directories finds nothing', async () => {
  const base = join(scratchDir(), 'empty-home');
  assert.deepEqual(await codexAdapter.findTranscripts('/work/repo', { CODEX_HOME: base }), []);
  assert.deepEqual(await codexAdapter.findTranscripts('/work/repo', {}), []);
});

test('readFirstLine stops at the first newline and gives up past its limit', async () => {
  const file = join(scratchDir(), 'first-line.jsonl');
  writeFileSync(file, `${'a'.repeat(100_000)}\nsecond\n`);
  assert.equal(await readFirstLine(file), 'a'.repeat(100_000));
  assert.equal(await readFirstLine(file, 1000), undefined);
});
