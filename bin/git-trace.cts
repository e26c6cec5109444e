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
  // The bundles are compiled apart from node's loader (loadCompiled): modules they leave out
  // are imported through this one's import() (refs/lazy-builtins.ts importLazily).
  (globalThis as { __gitTraceImport?: (url: string) => Promise<unknown> }).__gitTraceImport = (url) => import(url);
  (loadCompiled(handoverBundle) as HandoverModule)
    .startHook(hookArgv)
    .then((start) => (start.kind === 'done' ? 0 : (loadCompiled(hookBundle) as HookModule).runHere(hookArgv, start)))
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

/**
 * A hook bundle, required with V8's code cache: the hook runs on every tool call, in a fresh
 * process, and compiling its bundles costs ~2 ms of it. Node 22 keeps such a cache itself
 * (module.enableCompileCache); on Node 20 the bundle is compiled here with the cache kept under
 * $XDG_CACHE_HOME/git-trace/v8 (one file per bundle, build and node; written once, after a run,
 * so it holds the functions that run used). Anything amiss: a plain require.
 */
function loadCompiled(file: string): unknown {
  const Module = require('node:module') as typeof import('node:module') & ModuleInternals;
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(codeCacheDir());
    return require(file);
  }
  try {
    const vm = require('node:vm') as typeof import('node:vm');
    const stat = fs.statSync(file);
    const cacheFile = path.join(codeCacheDir(), `${path.basename(file, '.cjs')}-${fnv1a(`${file} ${stat.size} ${stat.mtimeMs} ${process.version} ${process.arch}`)}.v8`);
    let cached: Buffer | undefined;
    try {
      cached = fs.readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: cached });
    const loaded = new Module.Module(file, module) as InstanceType<typeof Module.Module> & { filename: string; paths: string[]; loaded: boolean };
    loaded.filename = file;
    loaded.paths = Module._nodeModulePaths(path.dirname(file));
    Module._cache[file] = loaded;
    (script.runInThisContext() as (...args: unknown[]) => void).call(loaded.exports, loaded.exports, Module.createRequire(file), loaded, file, path.dirname(file));
    loaded.loaded = true;
    if (cached === undefined || script.cachedDataRejected === true) process.once('exit', () => writeCodeCache(cacheFile, script));
    return loaded.exports;
  } catch {
    return require(file);
  }
}

interface ModuleInternals {
  enableCompileCache?: (dir?: string) => unknown;
  wrap(source: string): string;
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, unknown>;
}

function cacheHome(): string {
  return process.env['XDG_CACHE_HOME'] || path.join(process.env['HOME'] ?? require('node:os').homedir(), '.cache');
}

function codeCacheDir(): string {
  return path.join(cacheHome(), 'git-trace', 'v8');
}

function writeCodeCache(cacheFile: string, script: import('node:vm').Script): void {
  try {
    // One level at a time: a recursive mkdirSync never returns on some file systems (/proc).
    for (const dir of [cacheHome(), path.join(cacheHome(), 'git-trace'), codeCacheDir()]) {
      try {
        fs.mkdirSync(dir, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
    // The same bundle's caches for other builds or nodes are of no more use.
    const prefix = `${path.basename(cacheFile).replace(/-[0-9a-f]{8}\.v8$/, '')}-`;
    for (const name of fs.readdirSync(path.dirname(cacheFile))) {
      if (name.startsWith(prefix) && name.endsWith('.v8') && name !== path.basename(cacheFile)) fs.rmSync(path.join(path.dirname(cacheFile), name), { force: true });
    }
  } catch {
    // Without a cache the next hook compiles, as now.
  }
}

/** A short, stable name for a cache file (FNV-1a, 32 bits): no node:crypto to load for it. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
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
