#!/usr/bin/env node
// git-trace's entry (package.json "bin"): CommonJS, so that a command never starts node's ES
// module loader over the ~300 modules tsc wrote. `git trace hook`, run on every tool call an
// agent makes, takes the hook's own bundles: the small one that hands the event to the
// repository's watcher, and the hook's whole code only for an event the watcher does not take;
// every other command the CLI's (scripts/bundle.ts). Without fresh bundles (tsc ran alone), the
// ES module entry, git-trace.js.

import fs = require('node:fs');
import path = require('node:path');

type HookStart = { readonly kind: 'done' } | { readonly kind: 'here'; readonly input: Buffer | null; readonly started: number };

interface HandoverModule {
  startHook(argv: readonly string[]): Promise<HookStart>;
}

interface HookModule {
  runHere(argv: readonly string[], start: HookStart & { kind: 'here' }): Promise<number>;
}

const argv = process.argv.slice(2);
const cliDir = path.join(__dirname, '..', 'lib', 'cli');
const hookBundle = path.join(cliDir, 'hook-bundle.cjs');
const handoverBundle = path.join(cliDir, 'hook-handover-bundle.cjs');
const cliBundle = path.join(cliDir, 'cli-bundle.cjs');

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // Nothing to load for this: the bundle would take longer to parse than the answer takes.
  process.stdout.write(`git-trace ${packageVersion()}\n`);
} else if (argv[0] === 'hook' && isFresh(hookBundle, path.join(cliDir, 'hook.js')) && isFresh(handoverBundle, path.join(cliDir, 'hook-handover.js'))) {
  // The hook never fails the agent: it catches what it can itself, and anything else is exit 0.
  const hookArgv = argv.slice(1);
  (require(handoverBundle) as HandoverModule)
    .startHook(hookArgv)
    .then((start) => (start.kind === 'done' ? 0 : (require(hookBundle) as HookModule).runHere(hookArgv, start)))
    .then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 0;
    },
  );
} else if (isFresh(cliBundle, path.join(__dirname, 'git-trace.js'))) {
  // The bundled git-trace.js: it reads process.argv and runs, as the ES module would.
  require(cliBundle);
} else {
  void import('./git-trace.js');
}

/** The bundle, unless missing or older than the compiled code it was made from (tsc ran alone). */
function isFresh(made: string, from: string): boolean {
  const bundled = fs.statSync(made, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  return bundled >= (fs.statSync(from, { throwIfNoEntry: false })?.mtimeMs ?? Infinity);
}

/** package.json's version, as lib/version.ts reads it. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
