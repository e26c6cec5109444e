#!/usr/bin/env node
// git-trace's entry (package.json "bin"): CommonJS, so that `git trace hook`, run on every tool
// call an agent makes, takes the bundled hook (scripts/bundle-hook.ts) without ever starting
// node's ES module loader. Every other command goes on in the ES module entry, git-trace.js.

import fs = require('node:fs');
import path = require('node:path');

interface HookModule {
  run(argv: readonly string[]): Promise<number>;
}

const argv = process.argv.slice(2);
const bundle = path.join(__dirname, '..', 'lib', 'cli', 'hook-bundle.cjs');

if (argv[0] === 'hook' && isFresh(bundle, path.join(__dirname, '..', 'lib', 'cli', 'hook.js'))) {
  // The hook never fails the agent: it catches what it can itself, and anything else is exit 0.
  (require(bundle) as HookModule).run(argv.slice(1)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 0;
    },
  );
} else {
  void import('./git-trace.js');
}

/** The bundle, unless missing or older than the compiled code it was made from (tsc ran alone). */
function isFresh(made: string, from: string): boolean {
  const bundled = fs.statSync(made, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  return bundled >= (fs.statSync(from, { throwIfNoEntry: false })?.mtimeMs ?? Infinity);
}
