// Node built-ins loaded on first use. Each costs a fresh process milliseconds to load, and the
// hook's commonest events (a tool that only reads, a prompt) need none of them: loaded up front,
// they would be paid on every one of those calls.

import { createRequire } from 'node:module';

// In the CommonJS bundles (scripts/bundle.ts) each module has node's own `require`; the ES
// modules tsc writes make one, on first use (making it costs ~0.7 ms: not on every hook).
let esmRequire: NodeRequire | undefined;
const cjs = typeof require === 'function';

function esm(): NodeRequire {
  return (esmRequire ??= createRequire(import.meta.url));
}

export function childProcess(): typeof import('node:child_process') {
  return cjs ? require('node:child_process') : (esm()('node:child_process') as typeof import('node:child_process'));
}

export function nodeCrypto(): typeof import('node:crypto') {
  return cjs ? require('node:crypto') : (esm()('node:crypto') as typeof import('node:crypto'));
}

export function nodeTty(): typeof import('node:tty') {
  return cjs ? require('node:tty') : (esm()('node:tty') as typeof import('node:tty'));
}

export function nodeZlib(): typeof import('node:zlib') {
  return cjs ? require('node:zlib') : (esm()('node:zlib') as typeof import('node:zlib'));
}

/**
 * `import(url)` of a module the hook's bundle leaves out (the store, for session-start context):
 * through the entry's own import() when it set one (bin/git-trace.cts compiles the hook bundle
 * with V8's code cache, where an import() of the bundle's own would have no loader), else here.
 */
export function importLazily<T>(url: string): Promise<T> {
  const viaEntry = (globalThis as { __gitTraceImport?: (url: string) => Promise<unknown> }).__gitTraceImport;
  return (viaEntry ?? ((target: string) => import(target)))(url) as Promise<T>;
}
