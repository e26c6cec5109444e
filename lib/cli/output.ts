// Output rules, decided here once: stdout for primary output only; warnings, progress and
// hints on stderr; colour only on a TTY, never with NO_COLOR or TERM=dumb; errors printed once.

import { styleText } from 'node:util';
import { isTraceError, KeyError } from '../errors.js';
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

interface Unreadable {
  readonly id: string;
  readonly kind: string;
  readonly message: string;
}

/** Past this many sessions unreadable for one reason, they are folded into one line. */
const NAMED_UNREADABLE = 3;

/**
 * Say which sessions the catalog could not read (after `repo.catalog()`), on stderr: by name when
 * few, folded into one line per reason when many. `required`: the command answers from the
 * sessions, so a key that opens none of them is an error (exit 1), not an empty answer.
 */
export function reportUnreadable(repo: { readonly refreshed: { readonly unreadable: readonly Unreadable[]; readonly total: number } | null }, options: { readonly required?: boolean } = {}): void {
  const unreadable = repo.refreshed?.unreadable ?? [];
  if (unreadable.length === 0) return;
  const byKind = new Map<string, Unreadable[]>();
  for (const u of unreadable) byKind.set(u.kind, [...(byKind.get(u.kind) ?? []), u]);
  const total = repo.refreshed?.total ?? unreadable.length;
  if (options.required === true && unreadable.length === total) {
    // Said once: the one reason, not a line per session.
    const keyOnly = byKind.size === 1 && byKind.has('KeyError');
    throw new KeyError(keyOnly ? `none of the ${total} sessions here is encrypted to your key` : `none of the ${total} sessions here can be read`, {
      hint: keyOnly
        ? "check that GIT_TRACE_IDENTITY names your key; a recipient can add you with 'git trace recipients add', then 'git trace rekey'"
        : "run 'git trace verify' to see what is wrong with them",
    });
  }
  for (const [kind, list] of byKind) {
    if (list.length <= NAMED_UNREADABLE) for (const u of list) warn(`cannot read session '${u.id}': ${u.message}`);
    else warn(`cannot read ${list.length} sessions (${list.slice(0, NAMED_UNREADABLE).map((u) => `'${u.id}'`).join(', ')}, …): ${UNREADABLE_REASONS[kind] ?? list[0]?.message ?? kind}`);
  }
}

const UNREADABLE_REASONS: Readonly<Record<string, string>> = {
  KeyError: "not encrypted to your key (check GIT_TRACE_IDENTITY; 'git trace recipients' lists who can read)",
  TamperedError: "damaged or altered; run 'git trace verify'",
  CorruptRecordError: "damaged; run 'git trace verify'",
};

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
