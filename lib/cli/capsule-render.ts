// Rendering capsule results as text: what seal sends, what a capsule holds (open), what replay
// is about to run (the consent question) and what it found. One result value each, computed in
// capsule.ts; --json prints the same values.

import type { BuiltCapsule } from '../../capsule/build.js';
import type { OpenedCapsule } from '../../capsule/open.js';
import type { ReplayReport } from '../../capsule/replay.js';
import { fileRole, type RunFile } from '../../capsule/run-files.js';
import type { Isolation } from '../../capsule/sandbox.js';
import type { Signer } from '../../capsule/signature.js';
import { keyFingerprint, type SigningKey } from '../crypto/signing.js';
import { formatTime, oneLine, plural } from './format.js';
import { paint } from './output.js';
import { renderStep, stepSummary } from './show.js';

/** A capsule as open and replay show it: its signer judged against this repository, and what replay writes and runs. */
export interface CapsuleView {
  readonly capsule: OpenedCapsule;
  readonly signer: Signer;
  readonly writes: readonly string[];
  readonly runFiles: readonly RunFile[];
  /** False: replay takes the whole base tree from the capsule's bundle or a remote it names. */
  readonly baseInRepository: boolean;
}

/** Only the patched files are listed: a base from elsewhere brings every file of its own. */
const FOREIGN_BASE = "the base commit is not in this repository: replay takes all of its files from the capsule's bundle or the remote it names, not only those listed";

/** Longer diffs of files that run code are summarised in replay's question, with a pointer to open. */
const CONSENT_DIFF_LINES = 80;

/** "signed by NAME (ssh-ed25519 SHA256:…)", "signed by an unknown key SHA256:…", or "unsigned". */
export function signerLine(signer: Signer): string {
  if (signer.key === null || signer.fingerprint === null) return 'unsigned';
  if (signer.name !== null) return `signed by ${signer.name} (ssh-ed25519 ${signer.fingerprint})`;
  return signer.trusted ? `signed by ${signer.fingerprint} (trusted with --trust-signer)` : `signed by an unknown key ${signer.fingerprint}`;
}

/** What replay shows before it asks: the signer, the command, the isolation, the files that run code. */
export function describeConsent(view: CapsuleView, file: string, isolation: Isolation): string {
  const p = view.capsule.payload;
  const where = p.verdict.cwd === '.' ? '' : ` (in ${p.verdict.cwd})`;
  const lines = [
    `The capsule is ${signerLine(view.signer)}.`,
    `It runs, in a temporary work tree with its patches applied (${isolation.network === 'isolated' ? `no network: ${isolation.how}` : `with network: ${isolation.how}`}):`,
    `    ${p.verdict.command}${where}`,
    `It writes ${plural(view.writes.length, 'file')}: ${view.writes.join(', ') || 'none'}`,
  ];
  const diffLines = view.runFiles.reduce((n, f) => n + f.diff.split('\n').length, 0);
  if (!view.baseInRepository) lines.push(`Note: ${FOREIGN_BASE}.`);
  if (view.runFiles.length === 0) lines.push('None of them is a build or script file.');
  else if (diffLines <= CONSENT_DIFF_LINES) lines.push('Files among them that run code:', ...view.runFiles.flatMap((f) => [`   ${f.path}`, ...indent(f.diff)]));
  else lines.push(`Files among them that run code (${diffLines} lines of diff; read them with 'git trace capsule open ${file}'):`, ...view.runFiles.map((f) => `   ${f.path}  ${diffStat(f.diff)}`));
  return lines.join('\n');
}

/** The question itself names a signer the repository does not trust. */
export function replayQuestion(signer: Signer): string {
  if (signer.trusted) return 'This runs code from the capsule. Run it?';
  if (signer.fingerprint === null) return 'This runs code from an unsigned capsule: nothing says who sealed it. Run it?';
  return `This runs code from a capsule ${signerLine(signer)}, not by a recipient of this repository. Run it?`;
}

function writesLines(view: CapsuleView): string[] {
  if (view.writes.length === 0) return ['   nothing: the episode has no patches'];
  return view.writes.map((path) => {
    const role = fileRole(path);
    return `   ${path}${role === 'runs-code' ? '  (runs code: diff below)' : role === 'lockfile' ? '  (lockfile)' : ''}`;
  });
}

function indent(diff: string): string[] {
  return diff.replace(/\n$/, '').split('\n').map((l) => `      ${l}`);
}

function diffStat(diff: string): string {
  const lines = diff.split('\n');
  const added = lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
  const removed = lines.filter((l) => l.startsWith('-') && !l.startsWith('---')).length;
  return `+${added} -${removed}`;
}

function counts(c: Readonly<Record<string, number>>): string {
  const entries = Object.entries(c).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${n} ${k}`).join(', ');
}

function verdictLine(p: OpenedCapsule['payload']): string {
  const f = p.verdict.failure;
  const where = p.verdict.cwd === '.' ? '' : ` (in ${p.verdict.cwd})`;
  const how = [f.exitCode === null ? 'a non-zero exit' : `exit ${f.exitCode}`, f.errorLine === null ? null : `"${oneLine(f.errorLine, 100)}"`].filter((x) => x !== null).join(' and ');
  return `${p.verdict.command}${where}: fails with ${how}`;
}

export function describeSeal(built: BuiltCapsule, lockText: string, signer: SigningKey | null): string {
  const p = built.payload;
  const remotes = p.repository.remotes.map((r) => `${r.name} ${r.url}`).join(', ');
  return [
    `Capsule ${built.header.id} of session ${p.session.id} (${p.session.agent}), dated ${built.header.createdAt}`,
    `  sealed to   ${lockText}`,
    `  signed by   ${signer === null ? "nobody: you have no signing key (run 'git trace init')" : `your signing key ${keyFingerprint(signer.publicKey)}`}`,
    `  steps       ${p.slice.from}..${p.slice.to} in full (tool inputs and outputs, reasoning, replies); failing step ${p.slice.failingStep ?? 'none'}`,
    `  prompts     ${p.intent.included ? `${plural(p.intent.prompts.length, 'prompt')} included` : `${plural(p.intent.promptCount, 'prompt')} left out (--include-prompts sends them)`}`,
    `  patches     changes to ${plural(built.files.length, 'file')} from ${plural(p.trail.length, 'step')} and the starting state: ${built.files.slice(0, 8).join(', ')}${built.files.length > 8 ? ', …' : ''}`,
    `  base        ${p.repository.baseCommit.slice(0, 12)}${remotes === '' ? ' (on no remote)' : ` (on ${remotes})`}${p.repository.bundle ? ', with a bundle of its history' : ''}`,
    `  start state ${p.repository.startState === '' ? 'none' : 'the uncommitted changes the session started from'}`,
    `  verdict     ${verdictLine(p)}`,
    `  redacted    ${counts(p.redactions.atSeal)} now, ${counts(p.redactions.atCapture)} at capture; scrubbed: ${counts(p.redactions.scrubbed)}`,
  ].join('\n');
}

export function describeCapsule(view: CapsuleView, file: string): string {
  const { header, payload: p } = view.capsule;
  const lines = [
    paint('bold', `capsule ${header.id}`),
    `File:     ${file} (format ${header.version}, sealed ${formatTime(header.createdAt)}, ${header.encryption.unlock === 'passphrase' ? 'passphrase' : 'age keys'})`,
    `Session:  ${p.session.id} (${p.session.agent}${p.session.agentVersion === null ? '' : ` ${p.session.agentVersion}`}), steps ${p.slice.from}..${p.slice.to} of ${p.session.stepCount}, failing step ${p.slice.failingStep ?? 'none'}`,
  ];
  lines.push(`Signed:   ${signerLine(view.signer)}`);
  if (p.session.title !== null) lines.push(`Title:    ${p.session.title}`);
  lines.push(`Base:     ${p.repository.baseCommit}${p.repository.remotes.length === 0 ? '' : ` (on ${p.repository.remotes.map((r) => `${r.name} ${r.url}`).join(', ')})`}${p.repository.bundle ? ', bundled' : ''}`);
  if (p.repository.startState !== '') lines.push('Start:    the session began with uncommitted changes (kept in the capsule)');
  lines.push(`Verdict:  ${verdictLine(p)}`);
  lines.push(`Redacted: ${counts(p.redactions.atCapture)} at capture, ${counts(p.redactions.atSeal)} at sealing; scrubbed: ${counts(p.redactions.scrubbed)}`);
  lines.push('', paint('bold', 'Intent'));
  if (!p.intent.included) lines.push(`   ${plural(p.intent.promptCount, 'prompt')}, left out by the sender`);
  for (const prompt of p.intent.prompts) lines.push(`   #${prompt.step}  ${prompt.text.split('\n').join('\n        ')}`);
  lines.push('', paint('bold', 'What happened'));
  for (const step of p.slice.steps) lines.push(`   #${step.index}  ${step.timestamp === null ? '     ' : step.timestamp.slice(11, 16)}  ${step.kind.padEnd(10)} ${stepSummary(step)}`);
  const failing = p.slice.steps.find((s) => s.index === p.slice.failingStep);
  if (failing !== undefined) lines.push('', paint('bold', 'The failing step'), renderStep(failing));
  lines.push('', paint('bold', 'What replay writes'), ...writesLines(view));
  if (!view.baseInRepository) lines.push(`   note: ${FOREIGN_BASE}`);
  if (view.runFiles.length > 0) lines.push('', paint('bold', 'Files that run code, in full'), ...view.runFiles.flatMap((f) => [`   ${f.path}`, ...indent(f.diff)]));
  lines.push('', `Replay it: git trace capsule replay ${file}`);
  return lines.join('\n');
}

export function describeReplay(r: ReplayReport, signer: Signer): string {
  const style = r.verdict === 'fixed' ? 'green' : r.verdict === 'reproduces' ? 'red' : 'yellow';
  const lines = [`${paint(style, r.verdict)}: ${r.reason}`];
  lines.push(`  capsule ${r.capsule}, base ${r.base.commit.slice(0, 12)}${r.base.source === null ? '' : ` (from ${r.base.source === 'local' ? 'this repository' : `the ${r.base.source}`})`}${r.against === null ? '' : `, re-posed on ${r.against.rev} (${r.against.commit.slice(0, 12)})`}`);
  lines.push(`  signed by ${signerLine(signer)}; network ${r.network}`);
  lines.push(`  patches: ${r.patches.applied} applied${r.patches.alreadyThere > 0 ? `, ${r.patches.alreadyThere} already there` : ''}${r.patches.failed.length > 0 ? `, ${r.patches.failed.length} did not apply` : ''}`);
  for (const f of r.patches.failed) lines.push(`    ${f.step === null ? 'starting state' : `step ${f.step}`}: ${f.path}: ${f.reason ?? ''}`);
  const e = r.evidence;
  if (e !== null) {
    lines.push(`  ran: ${r.command}${r.cwd === '.' ? '' : ` (in ${r.cwd})`}, ${(e.durationMs / 1000).toFixed(1)}s, ${e.timedOut ? 'timed out' : e.exitCode === null ? `killed (${e.signal ?? '?'})` : `exit ${e.exitCode}`}`);
    lines.push(`  recorded failure: ${e.expectedExitCode === null ? 'a non-zero exit' : `exit ${e.expectedExitCode}`}${e.expectedError === null ? '' : `, "${oneLine(e.expectedError, 100)}" (${e.matchedError === true ? 'found' : 'not found'} in the output)`}`);
    if (e.outputTail !== '') lines.push('  output (last lines):', ...e.outputTail.split('\n').map((l) => `    ${l}`));
  }
  if (r.worktree !== null) lines.push(`  kept in ${r.worktree}`);
  return lines.join('\n');
}
