// git trace track ID [--at REF]: did a session's work survive? Each patch with its anchors and
// its state at REF, and the counts per state.

import { UsageError } from '../errors.js';
import { SURVIVAL_STATES, type Survival } from '../trail/survival.js';
import { trackSession, type TrackResult } from '../trail/track.js';
import { parseCommand } from './args.js';
import { table } from './format.js';
import { out, outJson, paint, type Style } from './output.js';
import { warnUntrusted } from './untrusted.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace track [--at REF] [--json] ID

Each patch the session produced, the commits that carry its lines (anchors) and its
state at REF (default HEAD):
    alive        every line is at REF as the agent wrote it
    moved        every line is at REF, under another path
    transformed  its lines are at REF, some edited since the agent wrote them
    partial      some of its lines are at REF, others are not
    reverted     a revert commit or an inverse patch removed it
    lost         it never reached a commit on REF, or is gone without a revert
    unknown      the evidence is missing or ambiguous
ID may be a unique prefix of at least 4 characters.

    --at REF   judge at REF instead of HEAD
    --json     print {session, at, patches, counts}`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const args = parseCommand(argv, { at: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const [id, ...extra] = args.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('track takes one session ID', { hint: 'usage: git trace track [--at REF] [--json] ID' });
  const repo = await context.repo();
  const result = await trackSession(repo, id, args.values.at === undefined ? {} : { at: args.values.at });
  await warnUntrusted(repo, [result.session.id]);
  if (args.values.json === true) outJson(result);
  else out(renderTrack(result));
  return 0;
}

export const STATE_STYLE: Readonly<Record<Survival, Style>> = {
  alive: 'green',
  moved: 'green',
  transformed: 'cyan',
  partial: 'yellow',
  reverted: 'magenta',
  lost: 'red',
  unknown: 'dim',
};

export function renderTrack(result: TrackResult): string {
  const lines = [paint('bold', `session ${result.session.id}`) + (result.session.title === null ? '' : `  ${result.session.title}`)];
  lines.push(`at ${result.at.ref} (${result.at.commit.slice(0, 12)})${result.session.baseCommit === null ? '' : `, base ${result.session.baseCommit.slice(0, 12)}`}`, '');
  if (result.patches.length === 0) lines.push('no patches: this session changed no file');
  const rows = result.patches.map((p) => {
    const anchors = p.anchors.filter((a) => a.onRef).map((a) => a.commit.slice(0, 8));
    const elsewhere = p.anchors.length - anchors.length;
    return [
      `#${p.step}`,
      p.path + (p.pathsAtRef.length > 0 && p.pathsAtRef.some((x) => x !== p.path) ? ` → ${p.pathsAtRef.join(', ')}` : ''),
      paint(STATE_STYLE[p.state], p.state),
      (anchors.length === 0 ? '-' : anchors.join(' ')) + (elsewhere > 0 ? ` (+${elsewhere} not on ${result.at.ref})` : ''),
      p.reason,
    ];
  });
  if (rows.length > 0) lines.push(table([['STEP', 'PATH', 'STATE', 'ANCHORS', 'WHY'], ...rows]));
  const counts = SURVIVAL_STATES.filter((s) => result.counts[s] > 0).map((s) => `${result.counts[s]} ${s}`);
  if (counts.length > 0) lines.push('', counts.join(', '));
  if (result.historyTruncated) lines.push(paint('dim', 'history was cut at its limit: older commits were not searched'));
  return lines.join('\n');
}
