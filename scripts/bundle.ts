// Bundles the CLI into CommonJS files that the package's entry (bin/git-trace.cts) requires, so a
// command parses one file instead of starting node's ES module loader over the ~300 modules tsc
// wrote (about 9 ms to start the loader, and an ES module compiles slower than CommonJS):
//   dist/lib/cli/hook-handover-bundle.cjs  `git trace hook`, run on every tool call an agent
//                                 makes: reads the payload and hands an event that snapshots
//                                 to the repository's watcher (the fewest bytes to parse);
//   dist/lib/cli/hook-bundle.cjs  the hook's whole code path, for an event handled in the
//                                 hook's own process;
//   dist/lib/cli/cli-bundle.cjs   every other command: all of bin/git-trace.js, whose commands
//                                 stay lazy (each module's body runs when first imported).
// Rules: run after tsc, on its output; the bundles sit beside dist/lib/cli/hook.js, and each
// module keeps its own import.meta.url (the file tsc wrote), so the files it finds beside itself
// (the dashboard's client, the watcher's daemon, package.json, the CLI to start in the
// background) are the same as unbundled. npm packages stay external. The entry takes a bundle
// only when it is newer than the tsc output it was made from (the hook's hook.js, the CLI's
// bin/git-trace.js): a full `tsc -p .` without this step rewrites those files and so leaves stale
// bundles, which are then ignored. `tsc --watch` re-emits only what changed: run this step after
// it, or delete the bundles.
// Run by `npm run build` (and test, bench): node dist/scripts/bundle.js

import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('../lib/cli/', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/git-trace.js', import.meta.url));


/** `import.meta.url` in a bundle is the bundle's own: each module gets the URL of the file it came from. */
function ownUrls(outfile: string): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const from = JSON.stringify(relative(dirname(outfile), args.path));
        return { contents: text.replaceAll('import.meta.url', `__moduleUrl(${from})`), loader: 'js' };
      });
    },
  };
}

async function bundle(entry: string, outfile: string, external: readonly string[] = []): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: [...external],
    plugins: [ownUrls(outfile)],
    // The directive first: after any other statement it is not one, and the bundle would run in
    // sloppy mode where the ES modules it came from were strict.
    banner: { js: '"use strict";\nconst __moduleUrl = (from) => require("node:url").pathToFileURL(require("node:path").join(__dirname, from)).href;' },
    logLevel: 'warning',
  });
}

await bundle(`${CLI_DIR}hook-handover.js`, `${CLI_DIR}hook-handover-bundle.cjs`);
// What the hook takes at session start only, with context injection on (the store), it imports
// by URL from the tsc output (importLazily): never parsed on the common path.
await bundle(`${CLI_DIR}hook.js`, `${CLI_DIR}hook-bundle.cjs`);
await bundle(BIN, `${CLI_DIR}cli-bundle.cjs`);
