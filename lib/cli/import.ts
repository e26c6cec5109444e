// git trace import: store sessions given as normalized steps JSONL (--format steps).

import { readStepsFile } from '../import/steps-file.js';
import { UsageError } from '../errors.js';
import { openRepo } from '../trace-repo.js';
import { parseCommand } from './args.js';
import { out, outJson, warn } from './output.js';

const HELP = `usage: git trace import --format steps [--json] [--] FILE...

Append the sessions in each FILE (normalized steps JSONL: a "session" line, then its "step"
lines) to this repository's store. Importing the same file again adds nothing.
Bad lines are reported with file and line number and skipped; the exit code is 1 only when
no line at all was valid.

    --format steps   the input is normalized steps JSONL
    --json           print the result as JSON`;

export interface ImportSummary {
  readonly version: 1;
  readonly sessions: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly badLines: number;
}

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { format: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  if (args.values.format !== 'steps') {
    throw new UsageError(args.values.format === undefined ? 'importing agent transcripts directly is not built yet' : `unknown format '${args.values.format}'`, {
      hint: 'use --format steps FILE… (normalized steps JSONL)',
    });
  }
  if (args.positionals.length === 0) throw new UsageError('no FILE to import', { hint: 'usage: git trace import --format steps FILE...' });
  const repo = await openRepo(process.cwd());
  try {
    let valid = 0;
    const summary = { sessions: 0, added: 0, updated: 0, unchanged: 0, badLines: 0 };
    for (const file of args.positionals) {
      const parsed = await readStepsFile(file, (w) => warn(`${w.file}:${w.line}: ${w.message}`));
      valid += parsed.validLines;
      summary.badLines += parsed.badLines;
      for (const session of parsed.sessions) {
        const result = await repo.sessions.append(session.info, session.steps);
        summary.sessions++;
        summary.added += result.added;
        summary.updated += result.updated;
        summary.unchanged += result.unchanged;
      }
    }
    const result: ImportSummary = { version: 1, ...summary };
    if (args.values.json === true) outJson(result);
    else out(`imported ${result.sessions} session${result.sessions === 1 ? '' : 's'}: ${result.added} new steps, ${result.updated} updated, ${result.unchanged} already stored${result.badLines > 0 ? `, ${result.badLines} bad lines skipped` : ''}`);
    return valid === 0 ? 1 : 0;
  } finally {
    repo.close();
  }
}
