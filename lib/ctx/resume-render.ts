// A resume packet as text an agent reads well: short Markdown sections, most recent last,
// nothing that is not in the packet. Empty sections are left out.

import type { ResumePacket } from './resume.js';

export interface RenderResumeOptions {
  /** Add the commands that rebuild the work tree and show a step (off inside capsules). */
  readonly hints?: boolean;
}

export function renderResumePacket(p: ResumePacket, options: RenderResumeOptions = {}): string {
  const s = p.session;
  const head = [`# Resume session ${s.id} after step ${p.step} of ${p.stepCount}`];
  const facts = [`agent ${s.agent}`, s.baseCommit === null ? null : `base commit ${s.baseCommit.slice(0, 12)}`, s.branch === null ? null : `branch ${s.branch}`].filter((x): x is string => x !== null);
  head.push(facts.join(', '));
  if (s.title !== null) head.push(`Title: ${s.title}`);
  const sections: string[] = [head.join('\n')];
  const section = (title: string, lines: readonly string[]): void => {
    if (lines.length > 0) sections.push(`## ${title}\n${lines.join('\n')}`);
  };
  if (p.goal.included) {
    const more = p.goal.omitted > 0 ? [`- (${p.goal.omitted} earlier prompts left out)`] : [];
    section('Goal (the prompts, oldest first)', [...more, ...p.goal.prompts.map((g) => `- #${g.step}: ${indentRest(g.text)}`)]);
  } else if (p.goal.omitted > 0) {
    section('Goal', [`- ${p.goal.omitted} prompts, left out`]);
  }
  if (p.startState.length > 0) section('Uncommitted when the session started', p.startState.map((f) => `- ${f}`));
  section('Done', [...(p.done.omitted > 0 ? [`- (${p.done.omitted} earlier actions left out)`] : []), ...p.done.items.map((d) => `- #${d.step} ${d.what}`)]);
  section(
    'Failed',
    p.failed.map((f) => `- #${f.step} ${f.what}${f.exitCode === null ? '' : ` (exit ${f.exitCode})`}${f.error === null ? '' : `: ${f.error}`}${f.laterPassed ? ' (passed later)' : ''}`),
  );
  const abandoned = p.abandoned.items.map((a) => `- #${a.step} ${a.path}: ${a.detail} by #${a.undoneBy}`);
  const after = p.abandoned.survival;
  if (!after.known) abandoned.push(`- After the session (reverted, or never committed): not known (${after.why})`);
  else {
    const counts = Object.entries(after.counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ');
    abandoned.push(`- After the session, at ${after.ref} (${after.commit.slice(0, 12)}): ${counts === '' ? 'no patches' : counts}`);
    for (const s of after.notWhole) abandoned.push(`  - #${s.step} ${s.path}: ${s.state} (${s.reason})`);
  }
  section('Tried and abandoned', abandoned);
  section('Tests (the last run of each)', p.tests.map((t) => `- \`${t.command}\`: ${t.passed ? 'passed' : `failed${t.exitCode === null ? '' : ` (exit ${t.exitCode})`}`} at #${t.step}`));
  section('Files that matter', p.files.map((f) => `- ${f.path}: ${[f.changed > 0 ? `changed in ${f.changed} step${f.changed === 1 ? '' : 's'}` : null, f.read > 0 ? `read ${f.read} time${f.read === 1 ? '' : 's'}` : null].filter((x) => x !== null).join(', ')}`));
  if (p.lastReply !== null) section('Where it stopped (the last reply)', [p.lastReply]);
  if (options.hints === true) {
    section('To continue', [
      `- The work tree as it was after step ${p.step}: \`git trace checkout ${s.id}@${p.step}\``,
      `- Any step in full: \`git trace show ${s.id} --step N\``,
    ]);
  }
  return `${sections.join('\n\n')}\n`;
}

function indentRest(text: string): string {
  return text.split('\n').join('\n  ');
}
