// Bundles the hook's code path (`git trace hook`) into one ESM file, dist/lib/cli/hook-bundle.mjs,
// so each hook invocation parses one module instead of resolving and loading some forty (about
// 30-50 ms of CPU per invocation on a slow machine). Rules: run after tsc, on its output; the
// bundle sits beside dist/lib/cli/hook.js so the relative URLs it keeps (the CLI for the
// background flush, the prior-context modules it imports lazily) resolve to the same files;
// npm packages stay external. bin/ uses the bundle only when it is newer than hook.js (a tsc
// run without this step leaves a stale bundle, which is then ignored).
// Run by `npm run build` (and test, bench): node dist/scripts/bundle-hook.js

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('../lib/cli/', import.meta.url));

// Taken at session start only, and only when context injection is on: left as imports of the
// tsc output, so the common path never parses them.
const LAZY = ['*/trace-repo.js', '*/ctx/prior-context.js'];

await build({
  entryPoints: [`${CLI_DIR}hook.js`],
  outfile: `${CLI_DIR}hook-bundle.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  external: LAZY,
  logLevel: 'warning',
});
