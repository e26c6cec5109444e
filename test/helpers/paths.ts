// Where things are, seen from the compiled tests in dist/test/.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The compiled CLI. */
export const CLI = join(PROJECT_ROOT, 'dist', 'bin', 'git-trace.cjs');

/** The project's own small fixtures. */
export const FIXTURES = join(PROJECT_ROOT, 'fixtures');

/** Real transcripts from public projects; absent outside the development workplace. */
export const SHARED_TRANSCRIPTS = resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'transcripts');

export const hasSharedTranscripts = existsSync(SHARED_TRANSCRIPTS);

/** Reason to skip a test that needs the shared transcripts, or false when they are there. */
export const skipWithoutShared: string | false = hasSharedTranscripts ? false : 'needs ../shared/fixtures/transcripts';

export function sharedTranscript(agent: string, name: string): string {
  return join(SHARED_TRANSCRIPTS, agent, name);
}
