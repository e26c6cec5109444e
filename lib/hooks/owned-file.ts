// A hook file that is entirely ours (pi's extension, OpenCode's plugin): install writes it,
// uninstall deletes it, and its first line is a marker with the format version, so a file of the
// same name that we did not write is never overwritten or deleted.

import { InputError } from '../errors.js';
import type { Edit, HookFileEditor, HookScope, HookTarget, Inspection } from './types.js';

export interface OwnedFile {
  readonly target: HookTarget;
  readonly scope: HookScope;
  readonly path: string;
  /** The whole file as we write it; its first line must match `marker`. */
  readonly source: string;
  /** Matches our first line; group 1 is the format version. */
  readonly marker: RegExp;
  /** The agent events the file forwards (reported by install and remove). */
  readonly events: readonly string[];
  /** What to do about a file of that name that is not ours. */
  readonly hint: string;
}

/** The format version on the file's first line, or null when the file is not ours. */
export function ownedFormat(bytes: Buffer, marker: RegExp): number | null {
  const match = marker.exec(bytes.subarray(0, 200).toString('utf8'));
  return match === null ? null : Number(match[1]);
}

export function ownedFileEditor(file: OwnedFile): HookFileEditor {
  const source = Buffer.from(file.source, 'utf8');
  const ours = (bytes: Buffer): boolean => ownedFormat(bytes, file.marker) !== null;
  return {
    target: file.target,
    scope: file.scope,
    path: file.path,
    newFileMode: 0o644,
    install(current: Buffer | null): Edit {
      if (current !== null && !ours(current)) throw new InputError(`'${file.path}' exists and was not written by git-trace; not overwriting it`, { hint: file.hint });
      if (current !== null && current.equals(source)) return { bytes: current, events: [], foreign: [] };
      return { bytes: source, events: [...file.events], foreign: [] };
    },
    remove(current: Buffer) {
      return ours(current) ? { bytes: null, events: [...file.events] } : { bytes: current, events: [] };
    },
    inspect(current: Buffer | null): Inspection {
      if (current === null) return { state: 'not-installed', missing: [], foreign: [] };
      if (!ours(current)) return { state: 'foreign', missing: [], foreign: [file.path] };
      return { state: current.equals(source) ? 'installed' : 'outdated', missing: [], foreign: [] };
    },
    hasOurs: ours,
    isBlank: () => false,
  };
}
