// git trace verify [ID]: decrypt and check every chunk and the chain of commits.

import { resolveSessionId } from '../store/queries.js';
import { verifyStore, type VerifyReport } from '../store/verify.js';
import { parseCommand } from './args.js';
import { plural } from './format.js';
import { out, outJson, paint } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace verify [--json] [ID]

Decrypt and check every stored session (or only ID): each chunk decrypts and validates,
each session's commits form an append-only chain signed by recipients of this repository,
and nothing foreign sits under refs/opentraces/. Exits 1 when anything is wrong, naming it:
a commit that is unsigned, or signed by a key no recipient holds, makes its session
untrusted. Sessions written before signing began (recorded when it did) are reported as
"unsigned (written before signing)" and do not fail.

    --json   print the report as JSON`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const repo = await context.repo();
  const idArg = args.positionals[0];
  const id = idArg === undefined ? undefined : await resolveSessionId(repo, idArg);
  const report = await verifyStore(repo, id);
  if (args.values.json === true) outJson({ version: 1, ...report });
  else out(renderReport(report));
  return report.ok ? 0 : 1;
}

function renderReport(report: VerifyReport): string {
  const lines: string[] = [];
  for (const s of report.sessions) {
    const counts = `${plural(s.commits, 'flush', 'flushes')}, ${plural(s.chunks, 'chunk')}, ${plural(s.steps, 'step')}`;
    if (s.ok) lines.push(`${paint('green', 'ok')}     ${s.id}  ${counts}, ${signedBy(s.trust, s.signers)}`);
    else {
      lines.push(`${paint('red', 'error')}  ${s.id}${s.trust === 'untrusted' ? '  untrusted: not signed by a recipient' : ''}`);
      for (const p of s.problems) lines.push(`       ${p}`);
    }
  }
  for (const p of report.refProblems) lines.push(`${paint('red', 'error')}  ${p}`);
  if (lines.length === 0) lines.push('nothing to verify: no sessions yet');
  return lines.join('\n');
}

function signedBy(trust: VerifyReport['sessions'][number]['trust'], signers: readonly string[]): string {
  const who = signers.length > 0 ? `signed by ${signers.join(', ')}` : '';
  if (trust === 'unsigned-before-signing') return who === '' ? 'unsigned (written before signing)' : `${who}; older flushes unsigned (written before signing)`;
  return who;
}
