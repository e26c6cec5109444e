// Output rules, decided here once: stdout for primary output only; warnings, progress and
// hints on stderr; colour only on a TTY, never with NO_COLOR or TERM=dumb; errors printed once.

import { styleText } from 'node:util';
import { isTraceError } from '../errors.js';
import { readSettings } from '../settings.js';

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb';
}

export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return colorEnabled(stream) ? styleText(style, text) : text;
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}

export function info(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Name each session the catalog could not read (after `repo.catalog()`), on stderr. */
export function reportUnreadable(repo: { readonly refreshed: { readonly unreadable: readonly { readonly id: string; readonly message: string }[] } | null }): void {
  for (const u of repo.refreshed?.unreadable ?? []) warn(`cannot read session '${u.id}': ${u.message}`);
}

/** Print `--json` output: stable, no colour, two-space indent. */
export function outJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Print an error the way git does; return the exit code. Unexpected errors are bugs: say so. */
export function printError(error: unknown): number {
  if (isTraceError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint !== undefined) for (const line of error.hint.split('\n')) process.stderr.write(`hint: ${line}\n`);
    if (readSettings().debug && error.cause !== undefined) process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(`error: unexpected: ${err.message}\n`);
  process.stderr.write('hint: this is a bug in git-trace; please report it with the command you ran\n');
  if (readSettings().debug) process.stderr.write(`${err.stack ?? ''}\n`);
  else process.stderr.write('hint: set GIT_TRACE_DEBUG=1 to see where it happened\n');
  return 1;
}
