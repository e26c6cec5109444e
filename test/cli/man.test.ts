import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { COMMANDS } from '../../lib/cli/commands.js';
import { roffText } from '../../scripts/roff.js';
import { writeManPages } from '../../scripts/man.js';
import { CLI, PROJECT_ROOT } from '../helpers/paths.js';
import { pinEnvironment, runCli } from '../helpers/repo.js';

const skipWithoutMan: string | false = spawnSync('sh', ['-c', 'command -v man']).status === 0 ? false : 'needs man (man-db or mandoc) to render the pages';

let dir = '';
let pages: string[] = [];

before(async () => {
  pinEnvironment();
  dir = mkdtempSync(join(tmpdir(), 'git-trace-man-'));
  pages = await writeManPages(join(dir, 'man'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The environment man and git help read: our pages only, no pager, a fixed width. */
function manEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MANPATH: join(dir, 'man'), MANPAGER: 'cat', PAGER: 'cat', GIT_PAGER: 'cat', MANWIDTH: '80', LC_ALL: 'C' };
}

function render(...files: string[]): SpawnSyncReturns<string> {
  return spawnSync('man', ['-l', ...files], { encoding: 'utf8', env: manEnv() });
}

test('roff text is escaped: requests, backslashes, option hyphens, quotes, non-ASCII', async (t) => {
  const rows: [string, string, string][] = [
    ['a leading dot is not a request', '.git/opentraces', '\\&.git/opentraces'],
    ['a leading quote is not a request', "'git trace flush'", '\\(aqgit trace flush\\(aq'],
    ['a backslash prints', 'C:\\x', 'C:\\ex'],
    ['hyphens are minus signs', '--dry-run -L', '\\-\\-dry\\-run \\-L'],
    ['non-ASCII becomes a glyph an ASCII terminal prints', 'age1… →', 'age1... \\(->'],
    ['other non-ASCII by code point', 'café', 'caf\\[u00E9]'],
    ['a tilde stays a tilde', '~/.codex', '\\(ti/.codex'],
  ];
  for (const [name, text, roff] of rows) await t.test(name, () => assert.equal(roffText(text), roff));
});

test('a page per command, and package.json installs exactly those pages', () => {
  const names = pages.map((p) => basename(p));
  assert.deepEqual(names, ['git-trace.1', ...COMMANDS.map((c) => `git-trace-${c.name}.1`)]);
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { man: string[]; files: string[] };
  assert.deepEqual(pkg.man, names.map((n) => `dist/man/man1/${n}`), "package.json 'man' must list the pages scripts/man.ts writes");
  assert.ok(pkg.files.includes('dist/man'), "package.json 'files' ships dist/man");
  for (const page of pages) assert.match(readFileSync(page, 'utf8'), /^[\x00-\x7f]*$/, `${basename(page)} is ASCII`);
});

test('every page renders with man -l, naming every command and their options', { skip: skipWithoutMan }, () => {
  const all = render(...pages);
  assert.equal(all.status, 0, all.stderr);
  assert.equal(all.stderr, '');
  const main = render(join(dir, 'man', 'man1', 'git-trace.1')).stdout;
  assert.match(main, /^GIT-TRACE\(1\)/);
  for (const c of COMMANDS) {
    assert.match(main, new RegExp(`^ {3}git trace ${c.name}$`, 'm'), `the manual has a part for ${c.name}`);
    assert.match(main, new RegExp(`git-trace-${c.name}\\(1\\)`), `the manual points at git-trace-${c.name}(1)`);
  }
  assert.match(main, /^ENVIRONMENT$[\s\S]*^ {7}GIT_TRACE_IDENTITY$/m);
  assert.match(main, /^CONFIGURATION$[\s\S]*^ {7}trace\.remote$/m);
  const blame = render(join(dir, 'man', 'man1', 'git-trace-blame.1')).stdout;
  assert.match(blame, /^ {7}git trace blame \[-L a,b\] \[--json\] FILE \[REV\]$/m);
  assert.match(blame, /^ {7}-L a,b +only lines a to b/m);
  assert.match(blame, /^ {3}git trace blame pr$/m, 'the page includes the help of blame pr');
  assert.match(blame, /^ {7}--by MODE +group by 'session' \(default\) or by 'commit'$/m);
  const capsule = render(join(dir, 'man', 'man1', 'git-trace-capsule.1')).stdout;
  assert.match(capsule, /^ {7}--passphrase-fd N +seal to the passphrase read from file descriptor/m);
  assert.match(capsule, /^ {7}--timeout SECONDS +time limit for the verdict command \(default 120\)$/m);
});

test('git trace --help and git help trace show the manual through git', { skip: skipWithoutMan }, () => {
  const shims = join(dir, 'bin');
  mkdirSync(shims, { recursive: true });
  writeFileSync(join(shims, 'git-trace'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(shims, 'git-trace'), 0o755);
  const env = { ...manEnv(), PATH: `${shims}:${process.env['PATH'] ?? ''}` };
  for (const args of [['trace', '--help'], ['help', 'trace']]) {
    const result = spawnSync('git', ['-c', 'help.format=man', ...args], { cwd: dir, encoding: 'utf8', env });
    assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stdout, /^GIT-TRACE\(1\)/, `git ${args.join(' ')} prints the manual`);
    assert.match(result.stdout, /^ {3}git trace blame$/m);
  }
});

test('git trace help CMD prints the command help; an unknown one is a usage error', async (t) => {
  const rows: { name: string; args: string[]; status: number; stdout?: RegExp; stderr?: RegExp }[] = [
    { name: 'a command', args: ['help', 'blame'], status: 0, stdout: /^usage: git trace blame \[-L a,b\]/ },
    { name: 'a subcommand', args: ['help', 'blame', 'pr'], status: 0, stdout: /^usage: git trace blame pr / },
    { name: 'no topic', args: ['help'], status: 0, stdout: /'man git-trace' for the manual/ },
    { name: 'an unknown command', args: ['help', 'nosuch'], status: 2, stderr: /^error: 'nosuch' is not a git trace command\nhint: the commands are: init,/ },
  ];
  for (const row of rows) {
    await t.test(row.name, () => {
      const result = runCli(row.args, { cwd: dir });
      assert.equal(result.status, row.status, result.stderr);
      if (row.stdout !== undefined) assert.match(result.stdout, row.stdout);
      if (row.stderr !== undefined) assert.match(result.stderr, row.stderr);
      else assert.equal(result.stderr, '');
    });
  }
});
