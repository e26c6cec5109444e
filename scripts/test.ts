// The test runner behind `npm test`: node's own runner (node:test), with what a developer who
// runs it often wants on top:
//   - test files run side by side (they mostly wait on git and node processes);
//   - every temporary folder a test makes lands in one root (TMPDIR), removed at the end, so a
//     run leaves nothing behind, whatever a test forgot;
//   - one line per file, the failures in full, and skips counted by reason in one line each
//     (not one line per test when ../shared's fixtures are absent); a dot per test on a terminal;
//   - the slow suites (stress, a real sshd) only with --all or --only.
//
//   node dist/scripts/test.js [--all] [--only DIR,DIR] [--concurrency N] [FILE...]

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { run } from 'node:test';
import { inspect, parseArgs } from 'node:util';

/** Suites that take long or start real servers: `npm run test:all` (CI) runs them too. */
const SLOW = ['dist/test/stress/', 'dist/test/sync/ssh.test.js'];

/**
 * The files that take longest (measured, about 1 min of wall time or more on 2 cores), started
 * first: the run ends when its last file does, and a long file started last is the tail that
 * bounds it (in alphabetical order, sync/ and trail/ came last). The rest follow alphabetically.
 */
const LONGEST_FIRST = [
  'dist/test/trail/scenarios-',
  'dist/test/sync/trust',
  'dist/test/sync/sync.test.js',
  'dist/test/sync/forget.test.js',
  'dist/test/capsule/integrity.test.js',
  'dist/test/cli/store-commands.test.js',
  'dist/test/capture/hook-robustness.test.js',
  'dist/test/export/export.test.js',
  'dist/test/capsule/trust.test.js',
  'dist/test/trail/blame-pr.test.js',
];

function rank(file: string): number {
  const i = LONGEST_FIRST.findIndex((prefix) => file.startsWith(prefix));
  return i === -1 ? LONGEST_FIRST.length : i;
}

interface TestEvent {
  readonly type: string;
  readonly data: {
    readonly name: string;
    readonly nesting: number;
    readonly file?: string;
    readonly skip?: boolean | string;
    readonly todo?: boolean | string;
    readonly details?: { readonly duration_ms?: number; readonly error?: unknown; readonly type?: string };
    readonly message?: string;
  };
}

function testFiles(root: string, only: readonly string[], all: boolean): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.js')) files.push(relative(root, path));
    }
  };
  walk(join(root, 'dist', 'test'));
  return files
    .filter((f) => (only.length > 0 ? only.some((o) => f.startsWith(`dist/test/${o}`)) : all || !SLOW.some((s) => f.startsWith(s))))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function seconds(ms: number | undefined): string {
  return `${((ms ?? 0) / 1000).toFixed(1)} s`;
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  if (cause instanceof Error) return cause.stack ?? cause.message;
  return String(cause);
}

/** The error's message in one line (an assertion's diff is the full text's job). */
function firstLine(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const text = cause instanceof Error ? `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}` : String(cause);
  let line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const assertion = cause as { generatedMessage?: boolean; actual?: unknown; expected?: unknown };
  if (assertion.generatedMessage === true) line += ` ${inspect(assertion.actual, { breakLength: Infinity })} vs ${inspect(assertion.expected, { breakLength: Infinity })}`;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { all: { type: 'boolean' }, only: { type: 'string' }, concurrency: { type: 'string' } },
    allowPositionals: true,
  });
  const root = resolve(process.cwd());
  const only = values.only === undefined ? [] : values.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const files = positionals.length > 0 ? positionals : testFiles(root, only, values.all === true);
  const concurrency = values.concurrency === undefined ? availableParallelism() + 1 : Number(values.concurrency);
  // Every temporary folder of this run, and of every process it starts, lands here.
  const scratch = mkdtempSync(join(tmpdir(), 'git-trace-tests-'));
  process.env['TMPDIR'] = scratch;
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const skips = new Map<string, number>();
  const failures: { readonly where: string; readonly name: string; readonly error: unknown; readonly file: string | undefined }[] = [];
  const byFile = new Map<string, { passed: number; failed: number; ms: number }>();
  const dots = process.stdout.isTTY === true;
  // What a test file printed on stderr: shown with its failures (a file that fails to load says why only there).
  const stderr = new Map<string, string>();
  try {
    const stream = run({ files, concurrency });
    for await (const event of stream as AsyncIterable<TestEvent>) {
      const { type, data } = event;
      if (type === 'test:diagnostic' && data.nesting === 0 && data.message !== undefined && /^(tests|pass|fail|skipped|duration_ms|suites|cancelled|todo) /.test(data.message)) continue;
      if (type === 'test:stderr' && data.file !== undefined && data.message !== undefined) {
        const key = resolve(root, data.file);
        stderr.set(key, `${stderr.get(key) ?? ''}${data.message}`);
        continue;
      }
      if (type !== 'test:pass' && type !== 'test:fail') continue;
      const isSuite = data.details?.type === 'suite';
      const where = data.file === undefined ? '(no file)' : relative(root, data.file).replace(/^dist\//, '').replace(/\.js$/, '.ts');
      const file = byFile.get(where) ?? { passed: 0, failed: 0, ms: 0 };
      byFile.set(where, file);
      if (data.nesting === 0) file.ms += data.details?.duration_ms ?? 0;
      if (type === 'test:fail') {
        // A suite fails because a test in it did: that test is reported on its own.
        if (!isSuite) {
          failed++;
          file.failed++;
          failures.push({ where, name: data.name, error: data.details?.error, file: data.file });
          if (dots) process.stdout.write('✗');
        }
        continue;
      }
      if (data.skip !== undefined && data.skip !== false) {
        // Without a reason, the test's name: so that it can be found and given one.
        const reason = typeof data.skip === 'string' ? data.skip : `no reason given (${where}: ${data.name})`;
        skips.set(reason, (skips.get(reason) ?? 0) + 1);
        continue;
      }
      if (isSuite) continue;
      passed++;
      file.passed++;
      if (dots) process.stdout.write('.');
    }
  } finally {
    const left = readdirSync(scratch).length;
    rmSync(scratch, { recursive: true, force: true });
    if (left > 0) process.stdout.write(`(${left} temporary folders the tests left behind were removed with ${scratch})\n`);
  }
  if (dots) process.stdout.write('\n');
  for (const [where, f] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    process.stdout.write(`${f.failed > 0 ? '✗' : '✓'} ${where}  ${f.passed} passed${f.failed > 0 ? `, ${f.failed} failed` : ''}  ${seconds(f.ms)}\n`);
  }
  for (const f of failures) {
    const printed = f.file === undefined ? '' : (stderr.get(resolve(root, f.file)) ?? '').trim();
    process.stdout.write(`\n✗ ${f.where}: ${f.name}\n${errorText(f.error).replace(/^/gm, '    ')}\n${printed === '' ? '' : `    stderr:\n${printed.replace(/^/gm, '      ')}\n`}`);
  }
  // The tail of a long log is often all a CI page shows: each failure again, in one line.
  if (failures.length > 0) process.stdout.write(`\nfailures:\n${failures.map((f) => `  ${f.where}: ${f.name}: ${firstLine(f.error)}\n`).join('')}`);
  for (const [reason, count] of skips) process.stdout.write(`skipped ${count} test${count === 1 ? '' : 's'}: ${reason}\n`);
  process.stdout.write(`${failed === 0 ? 'ok' : 'FAILED'}: ${passed} passed, ${failed} failed, ${[...skips.values()].reduce((a, b) => a + b, 0)} skipped, ${files.length} files in ${seconds(Date.now() - started)}\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${errorText(error)}\n`);
    process.exitCode = 2;
  },
);
