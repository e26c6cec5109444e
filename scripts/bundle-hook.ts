// Bundles the hook's code path (`git trace hook`) into one CommonJS file,
// dist/lib/cli/hook-bundle.cjs, which the CommonJS entry (bin/git-trace.cts) requires: each hook
// invocation then parses one file and never starts node's ES module loader (about 9 ms to start,
// and an ES bundle compiles slower than a CommonJS one: 20-25 ms against 8 on this machine).
// Rules: run after tsc, on its output; the bundle sits beside dist/lib/cli/hook.js so the
// relative URLs it keeps (the CLI for the background flush, the watcher, the prior-context
// modules it imports lazily) resolve to the same files; npm packages stay external. The entry
// uses the bundle only when it is newer than hook.js (a tsc run without this step leaves a
// stale bundle, which is then ignored).
// Run by `npm run build` (and test, bench): node dist/scripts/bundle-hook.js

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('../lib/cli/', import.meta.url));

// Taken at session start only, and only when context injection is on: left as dynamic imports
// of the tsc output (ES modules, which CommonJS may import()), so the common path never parses them.
const LAZY = ['*/trace-repo.js', '*/ctx/prior-context.js'];

await build({
  entryPoints: [`${CLI_DIR}hook.js`],
  outfile: `${CLI_DIR}hook-bundle.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  external: LAZY,
  // The code resolves files next to itself through import.meta.url: in CommonJS, from __filename.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
