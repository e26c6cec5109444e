// Node built-ins loaded on first use. Each costs about 10 ms of CPU to load, and the hook's
// commonest events (a tool that only reads, a prompt) need neither: loaded up front, they would
// be paid on every one of those calls.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

export function nodeCrypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}

export function nodeTty(): typeof import('node:tty') {
  return require('node:tty') as typeof import('node:tty');
}
