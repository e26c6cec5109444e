// Timing of track, blame and blame pr on a history of 1,000 commits (not a test: run it with
// `node dist/test/trail/bench-1000.js`). The history is written with one `git fast-import`; a
// session of 100 patches, whose lines land in 100 of the commits, is stored with
// `import --format steps`. Prints the wall time of each command, cold and warm.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

const COMMITS = 1000;
const FILES = 20;

function main(): void {
  testIdentityFile();
  const r = tempRepo({});
  try {
    const init = r.trace(['init']);
    if (init.status !== 0) throw new Error(init.stderr);
    const contents: string[][] = Array.from({ length: FILES }, () => []);
    let stream = '';
    const patches: { step: number; path: string; diff: string }[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const f = i % FILES;
      const path = `src/file${f}.ts`;
      const lines = contents[f] as string[];
      const added = [`export function fn${i}(value: number): number {`, `  return value * ${i} + ${f};`, '}', ''];
      const from = lines.length;
      lines.push(...added);
      if (i % 10 === 5) {
        const diff = `--- a/${path}\n+++ b/${path}\n@@ -${from},0 +${from + 1},${added.length} @@\n${added.map((l) => `+${l}`).join('\n')}\n`;
        patches.push({ step: patches.length + 1, path, diff });
      }
      const data = `${lines.join('\n')}\n`;
      stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <b@example.com> ${1767225600 + i} +0000\ndata ${`commit ${i}`.length}\ncommit ${i}\n`;
      if (i > 0) stream += `from :${i}\n`;
      stream += `M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}\n`;
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, input: stream });
    r.git('reset', '-q', '--hard', 'main');
    const root = r.git('rev-list', '--max-parents=0', 'HEAD').trim();
    const steps = [
      JSON.stringify({ type: 'session', id: 'bench-session', agent: 'claude-code', startedAt: '2026-01-01T00:00:00Z', baseCommit: root }),
      JSON.stringify({ type: 'step', v: 1, id: 'p0', kind: 'prompt', timestamp: '2026-01-01T00:00:00Z', text: 'write the functions' }),
      ...patches.map((p) =>
        JSON.stringify({ type: 'step', v: 1, id: `t${p.step}`, kind: 'tool', timestamp: '2026-01-01T00:00:01Z', tool: { name: 'Edit', input: {}, status: 'ok' }, patches: [{ path: p.path, diff: p.diff, origin: 'observed' }] }),
      ),
    ];
    const file = join(r.dir, '.git', 'bench-steps.jsonl');
    writeFileSync(file, `${steps.join('\n')}\n`);
    const imported = r.trace(['import', '--format', 'steps', file]);
    if (imported.status !== 0) throw new Error(imported.stderr);

    const time = (label: string, args: readonly string[]): void => {
      const start = process.hrtime.bigint();
      const result = r.trace(args);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${label}: ${result.stderr}`);
      process.stdout.write(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms\n`);
    };
    process.stdout.write(`history: ${COMMITS} commits, ${FILES} files; session: ${patches.length} patches\n`);
    time('track (cold: diffs 1,000 commits)', ['track', '--json', 'bench-session']);
    time('track (warm cache)', ['track', '--json', 'bench-session']);
    time('blame src/file5.ts (warm)', ['blame', '--json', 'src/file5.ts']);
    time('blame pr HEAD~100..HEAD (warm)', ['blame', 'pr', 'HEAD~100..HEAD']);
    const json = JSON.parse(r.trace(['track', '--json', 'bench-session']).stdout) as { counts: Record<string, number> };
    process.stdout.write(`states: ${JSON.stringify(json.counts)}\n`);
  } finally {
    r.cleanup();
  }
}

main();
