// Error kinds. Each is thrown where the problem is found and printed once, in bin/.
// Messages: what went wrong first, lowercase, no full stop, the subject in single quotes;
// what to do goes in `hint`.

export interface TraceErrorOptions {
  readonly hint?: string;
  readonly exitCode?: number;
  readonly cause?: unknown;
}

export class TraceError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: TraceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The command line was wrong: exit 2 and show the synopsis. */
export class UsageError extends TraceError {
  constructor(message: string, options: TraceErrorOptions = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}

/** Not inside a git repository, or the repository is unusable. */
export class RepoError extends TraceError {}

/** A session or step that does not exist. */
export class NotFoundError extends TraceError {}

/** Keys: no identity, no recipient, wrong key. */
export class KeyError extends TraceError {}

/** Ciphertext that fails authentication: tampered or truncated. */
export class TamperedError extends TraceError {}

/** A stored record that does not parse or validate. */
export class CorruptRecordError extends TraceError {}

/** An input file (transcript, steps file) that cannot be used at all. */
export class InputError extends TraceError {}

/** Live capture that could not be stored; the sessions that could are. */
export class FlushError extends TraceError {}

export function isTraceError(error: unknown): error is TraceError {
  return error instanceof TraceError;
}
