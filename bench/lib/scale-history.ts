// A repository whose history holds many sessions, for the history-scale measure (H): the same
// commits and the same "measured" sessions at every scale, with only the number of other
// ("filler") sessions changing, so a ratio between two scales shows what the number of sessions
// alone costs. Built fast: the commits with one `git fast-import`, the sessions as one steps
// file imported with `git trace import --format steps` (timed: it is the import figure).
//
// - C commits on main over F filler files; filler sessions are committed in commits 1..C-21,
//   several per commit at large scales (their base: the commit before).
// - K "hot" sessions spread over the history each write lines to src/hot.py (blamed), which
//   nothing else touches; a "tracked" session writes src/tracked.py (show, track); the last 20
//   commits hold only the measured sessions' and people's work (blame pr HEAD~20..HEAD).
// - Each session: a prompt, ten Edit calls each adding one distinctive line to a file (as a
//   reported patch), a reply with model and token usage.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './proc.js';
import { seeded, type Random } from './random.js';

export interface ScaleSizes {
  readonly sessions: number;
  readonly commits: number;
  readonly fillerFiles: number;
}

export interface ScaleHistory {
  readonly dir: string;
  readonly stepsFile: string;
  readonly sessions: number;
  readonly commits: number;
  readonly hotFile: string;
  readonly trackedSession: string;
  /** A word only the measured sessions' prompts hold. */
  readonly rareWord: string;
  /** Objects written by the generator's fast-import (for the import baseline's size). */
  readonly steps: number;
}

export const HOT_FILE = 'src/hot.py';
const TRACKED_FILE = 'src/tracked.py';
const HOT_SESSIONS = 10;
const EDITS = 10;
const TAIL = 20;
const RARE = 'zorblatt';
const MODEL = 'claude-sonnet-4-5-20250929';

interface Edit {
  readonly path: string;
  /** 1-based line number the new line takes. */
  readonly at: number;
  readonly text: string;
}

interface Session {
  readonly id: string;
  readonly commit: number;
  readonly prompt: string;
  readonly edits: Edit[];
}

/** Write the repository (history) and the steps file (sessions); import nothing yet. */
export function buildScaleHistory(dir: string, env: NodeJS.ProcessEnv, sizes: ScaleSizes): ScaleHistory {
  const rng = seeded(20261203);
  git(['init', '-q', '-b', 'main', dir], { cwd: join(dir, '..'), env });
  const files = new Map<string, string[]>();
  for (let f = 0; f < sizes.fillerFiles; f++) files.set(fillerPath(f), Array.from({ length: 40 }, (_, i) => `value_${f}_${i} = compute(${i}, "${rng.hex(6)}")`));
  files.set(HOT_FILE, Array.from({ length: 60 }, (_, i) => `hot_${i} = base(${i}, "${rng.hex(6)}")`));
  files.set(TRACKED_FILE, Array.from({ length: 30 }, (_, i) => `tracked_${i} = seed(${i})`));

  const sessions = planSessions(rng, sizes);
  const byCommit = new Map<number, Session[]>();
  for (const s of sessions) byCommit.set(s.commit, [...(byCommit.get(s.commit) ?? []), s]);

  const stream: string[] = [];
  const t0 = Date.parse('2026-06-01T00:00:00Z') / 1000;
  const commitIds: string[] = [];
  const emitCommit = (n: number, message: string, changed: ReadonlySet<string>): void => {
    stream.push(`commit refs/heads/main\nmark :${n + 1}\nauthor Ada Park <ada@example.com> ${t0 + n * 600} +0000\ncommitter Ada Park <ada@example.com> ${t0 + n * 600} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`);
    if (n > 0) stream.push(`from :${n}\n`);
    for (const path of changed) {
      const data = `${(files.get(path) ?? []).join('\n')}\n`;
      stream.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}\n`);
    }
  };
  emitCommit(0, 'Start', new Set(files.keys()));
  const steps: string[] = [];
  for (let c = 1; c <= sizes.commits; c++) {
    const changed = new Set<string>();
    for (const s of byCommit.get(c) ?? []) {
      for (const edit of s.edits) {
        const lines = files.get(edit.path) ?? [];
        const at = Math.min(edit.at, lines.length + 1);
        lines.splice(at - 1, 0, edit.text);
        files.set(edit.path, lines);
        changed.add(edit.path);
      }
      steps.push(...sessionLines(s, dir, c - 1, t0));
    }
    // People change a filler file in every commit too: an edited line, an inserted one.
    const path = fillerPath(rng.int(0, sizes.fillerFiles - 1));
    const lines = files.get(path) ?? [];
    lines[rng.int(0, lines.length - 1)] = `person_${c} = adjust(${rng.int(0, 999)})`;
    changed.add(path);
    emitCommit(c, `Commit ${c}`, changed);
  }
  stream.push('done\n');
  git(['fast-import', '--quiet', '--done'], { cwd: dir, env, input: stream.join('') });
  git(['checkout', '-q', '-f', 'main'], { cwd: dir, env });
  for (const line of git(['rev-list', '--reverse', 'main'], { cwd: dir, env }).stdout.split('\n')) if (line !== '') commitIds.push(line);
  // Session lines name their base by commit number: now that the ids are known, fill them in.
  const stepsFile = join(dir, '..', `sessions-${sizes.sessions}.jsonl`);
  writeFileSync(stepsFile, steps.map((l) => l.replace(/"baseCommit":"#(\d+)"/, (_, n: string) => `"baseCommit":"${commitIds[Number(n)] ?? ''}"`)).join('\n') + '\n');
  const tracked = sessions.find((s) => s.edits.some((e) => e.path === TRACKED_FILE));
  return { dir, stepsFile, sessions: sessions.length, commits: sizes.commits, hotFile: HOT_FILE, trackedSession: tracked?.id ?? '', rareWord: RARE, steps: sessions.length * (EDITS + 2) };
}

function fillerPath(f: number): string {
  return `src/mod${String(f).padStart(3, '0')}.py`;
}

/** Which commit each session lands in and what it edits; measured sessions first decided. */
function planSessions(rng: Random, sizes: ScaleSizes): Session[] {
  const out: Session[] = [];
  const fillerCommits = Math.max(1, sizes.commits - TAIL - 1);
  const measured = new Map<number, 'hot' | 'tracked'>();
  for (let k = 0; k < HOT_SESSIONS; k++) measured.set(Math.floor(((k + 0.5) * sizes.sessions) / HOT_SESSIONS), 'hot');
  measured.set(Math.floor(sizes.sessions / 2) + 1, 'tracked');
  let hot = 0;
  for (let i = 0; i < sizes.sessions; i++) {
    const kind = measured.get(i);
    const id = `${kind ?? 'filler'}-${String(i).padStart(5, '0')}-${rng.hex(8)}`;
    // Measured sessions are spread over the whole history, the last ones in the final commits.
    const commit =
      kind === 'hot' ? 1 + Math.min(sizes.commits - 1, Math.floor(((hot++ + 0.5) * sizes.commits) / HOT_SESSIONS)) : kind === 'tracked' ? sizes.commits - TAIL + 5 : 1 + Math.floor((i * fillerCommits) / sizes.sessions);
    const file = kind === 'hot' ? HOT_FILE : kind === 'tracked' ? TRACKED_FILE : fillerPath(rng.int(0, sizes.fillerFiles - 1));
    const edits: Edit[] = Array.from({ length: EDITS }, (_, e) => ({ path: file, at: rng.int(1, 30), text: `${kind ?? 'filler'}_${i}_${e} = transform("${rng.hex(10)}", ${rng.int(0, 9999)})` }));
    const prompt = kind === undefined ? `update module ${file} step ${i}` : `${RARE}: refine ${file} for case ${i}`;
    out.push({ id, commit, prompt, edits });
  }
  return out;
}

function sessionLines(s: Session, dir: string, base: number, t0: number): string[] {
  const start = t0 + (s.commit - 1) * 600 + 60;
  const at = (k: number): string => new Date((start + k * 5) * 1000).toISOString();
  const lines = [JSON.stringify({ type: 'session', id: s.id, agent: 'claude-code', startedAt: at(0), cwd: dir, baseCommit: `#${base}` }), JSON.stringify({ type: 'step', v: 1, id: `${s.id}:p`, kind: 'prompt', timestamp: at(0), text: s.prompt })];
  s.edits.forEach((edit, k) => {
    const diff = `--- a/${edit.path}\n+++ b/${edit.path}\n@@ -${edit.at},0 +${edit.at},1 @@\n+${edit.text}\n`;
    lines.push(
      JSON.stringify({
        type: 'step',
        v: 1,
        id: `${s.id}:e${k}`,
        kind: 'tool',
        timestamp: at(k + 1),
        model: MODEL,
        tool: { name: 'Edit', callId: `${s.id}:c${k}`, input: { file_path: edit.path, old_string: '', new_string: edit.text }, output: 'The file has been updated.', status: 'ok' },
        patches: [{ path: edit.path, origin: 'reported', diff }],
      }),
    );
  });
  lines.push(JSON.stringify({ type: 'step', v: 1, id: `${s.id}:m`, kind: 'message', timestamp: at(EDITS + 1), model: MODEL, text: 'Done.', usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 5000, cacheWriteTokens: 800 } }));
  return lines;
}
